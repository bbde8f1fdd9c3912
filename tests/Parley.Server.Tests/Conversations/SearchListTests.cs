using Npgsql;
using Parley.Server.Tests.Infrastructure;
using static Parley.Server.Tests.Infrastructure.Api;

namespace Parley.Server.Tests.Conversations;

/// <summary>
/// PostgreSQL: a search lists its matches in temporary tables of its physical connection, which outlive the request.
/// Nothing vacuums another session's temporary table, so rows a search left behind, even deleted ones, stayed in the
/// table for good, and a connection's lists grew with every search until the planner stopped hashing them (the Manager
/// role's counts took 30 s at 1 M conversations). After the searches the tables hold no page at all.
/// </summary>
public sealed class SearchListTests(PostgresApp app) : IClassFixture<PostgresApp>
{
    private const string Word = "списковий";

    [Fact]
    public async Task Search_Postgres_LeavesNothingInItsTemporaryLists()
    {
        await using var hook = await WebhookReceiver.StartAsync();
        using var owner = await app.RivalOwnerAsync();
        using var anonymous = app.CreateClient();
        var channel = await CreateApiChannelAsync(owner, hook.Url, "Lists");
        var said = new List<string>();
        for (var i = 0; i < 3; i++)
            said.Add((await ClientSaysAsync(anonymous, channel, $"lists-{i}", $"Чи є {Word} {i}?", name: "Taras")).ConversationId);

        for (var i = 0; i < 5; i++)
        {
            var page = await GetJsonAsync(owner, $"/api/v1/conversations?q={Word}");
            Assert.Equal(said.Order(), page.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("id").GetString()!).Order());
            Assert.Equal(3, FolderCountsOf(page.GetProperty("counts")).New);
        }

        await using var connection = new NpgsqlConnection(app.ConnectionString);
        await connection.OpenAsync();
        await using var sizes = new NpgsqlCommand("""
            SELECT count(*)::int, coalesce(sum(pg_relation_size(c.oid)), 0)::bigint FROM pg_class c
            WHERE c.relname IN ('search_conversations', 'search_clients') AND c.relpersistence = 't'
            """, connection);
        await using var reader = await sizes.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.True(reader.GetInt32(0) >= 2, "the searches made no temporary lists: the test looks at the wrong tables");
        Assert.Equal(0L, reader.GetInt64(1));
    }
}
