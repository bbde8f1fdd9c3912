using Parley.Domain.Companies;

namespace Parley.Domain.Tests.Companies;

public class TimeZonesTests
{
    [Fact]
    public void Find_IanaName_ReturnsThatZone()
    {
        var zone = TimeZones.Find("Europe/Kyiv");

        Assert.Equal(TimeSpan.FromHours(2), zone.GetUtcOffset(new DateTime(2026, 11, 26, 10, 0, 0, DateTimeKind.Utc)));
        Assert.True(TimeZones.Exists("Europe/Kyiv"));
    }

    [Theory]
    [InlineData("Mars/Olympus_Mons")]
    [InlineData("")]
    [InlineData(null)]
    public void Find_UnknownOrMissingName_FallsBackToUtc(string? id)
    {
        Assert.Equal(TimeZoneInfo.Utc, TimeZones.Find(id));
        Assert.False(TimeZones.Exists(id));
    }
}
