using Parley.Domain.Common;

namespace Parley.Domain.Tests.Common;

public class TimeOrderedIdsTests
{
    [Fact]
    public void Next_ManyInOneMillisecond_EachSortsAfterTheOneBefore_AsTextAndAsGuid()
    {
        var ids = Enumerable.Range(0, 20_000).Select(_ => TimeOrderedIds.Next()).ToList();

        for (var i = 1; i < ids.Count; i++)
        {
            // SQLite stores the canonical text; PostgreSQL compares the uuid's bytes in the same (RFC) order.
            Assert.True(string.CompareOrdinal(ids[i - 1].ToString("D"), ids[i].ToString("D")) < 0, $"{ids[i - 1]} !< {ids[i]}");
            Assert.True(ids[i - 1].CompareTo(ids[i]) < 0);
        }
    }

    [Fact]
    public void Next_IsAVersion7GuidOfNow()
    {
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var id = TimeOrderedIds.Next();
        var text = id.ToString("N");

        Assert.Equal(7, id.Version);
        Assert.Equal(0b10, id.Variant >> 2);
        var ms = Convert.ToInt64(text[..12], 16);
        Assert.InRange(ms, before, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + 5);
    }

    [Fact]
    public async Task Next_FromManyThreads_NeverRepeats()
    {
        var batches = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => Enumerable.Range(0, 10_000).Select(_ => TimeOrderedIds.Next()).ToList())));

        Assert.Equal(40_000, batches.SelectMany(b => b).Distinct().Count());
        Assert.All(batches, b => Assert.Equal(b.OrderBy(g => g.ToString("D"), StringComparer.Ordinal), b));
    }
}
