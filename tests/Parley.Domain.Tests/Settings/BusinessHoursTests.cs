using Parley.Domain.Companies;
using Parley.Domain.Settings;

namespace Parley.Domain.Tests.Settings;

public class BusinessHoursTests
{
    private static readonly TimeZoneInfo Kyiv = TimeZones.Find("Europe/Kyiv");
    private static readonly TimeZoneInfo NewYork = TimeZones.Find("America/New_York");

    private static DateTime Utc(int month, int day, int hour, int minute = 0) => new(2026, month, day, hour, minute, 0, DateTimeKind.Utc);

    [Theory]
    [InlineData(11, 26, 7, 0, true)] // Thu 09:00 Kyiv (UTC+2): opening minute is open
    [InlineData(11, 26, 6, 59, false)] // Thu 08:59 Kyiv
    [InlineData(11, 26, 15, 59, true)] // Thu 17:59 Kyiv
    [InlineData(11, 26, 16, 0, false)] // Thu 18:00 Kyiv: closing time is closed
    [InlineData(11, 28, 10, 0, false)] // Sat 12:00 Kyiv
    [InlineData(11, 29, 10, 0, false)] // Sun 12:00 Kyiv
    public void IsOpen_WeekdaysNineToSixInKyiv_OpenOnlyInsideIntervals(int month, int day, int hour, int minute, bool expected)
    {
        Assert.Equal(expected, BusinessHours.Weekdays9To18().IsOpen(Utc(month, day, hour, minute), Kyiv));
    }

    [Fact]
    public void IsOpen_SameInstantDifferentZones_ReadInTheCompanyZone()
    {
        var hours = BusinessHours.Weekdays9To18();
        var instant = Utc(11, 26, 16, 30); // 18:30 Kyiv, 16:30 UTC, 11:30 New York

        Assert.False(hours.IsOpen(instant, Kyiv));
        Assert.True(hours.IsOpen(instant, TimeZoneInfo.Utc));
        Assert.True(hours.IsOpen(instant, NewYork));
    }

    [Fact]
    public void IsOpen_SummerTime_UsesDaylightOffset()
    {
        var hours = BusinessHours.Weekdays9To18();

        // Thursday 2 July 2026: Kyiv is UTC+3, so 15:30 UTC is 18:30 there (closed); in November it is 17:30 (open).
        Assert.False(hours.IsOpen(Utc(7, 2, 15, 30), Kyiv));
        Assert.True(hours.IsOpen(Utc(11, 26, 15, 30), Kyiv));
        Assert.True(hours.IsOpen(Utc(7, 2, 6, 0), Kyiv)); // 09:00 Kyiv summer time
    }

    [Fact]
    public void IsOpen_LocalDayDiffersFromUtcDay_UsesLocalDay()
    {
        var saturdayOnly = new BusinessHours { Intervals = [new(DayOfWeek.Saturday, new TimeOnly(0, 0), new TimeOnly(2, 0))] };

        // Friday 27 Nov 23:30 UTC is Saturday 01:30 in Kyiv.
        Assert.True(saturdayOnly.IsOpen(Utc(11, 27, 23, 30), Kyiv));
        Assert.False(saturdayOnly.IsOpen(Utc(11, 27, 23, 30), TimeZoneInfo.Utc));
    }

    [Fact]
    public void IsOpen_NoIntervals_AlwaysClosed()
    {
        Assert.False(new BusinessHours().IsOpen(Utc(11, 26, 10), Kyiv));
    }

    [Fact]
    public void Validate_WeekdaysNineToSix_NoErrors()
    {
        Assert.Empty(BusinessHours.Weekdays9To18().Validate());
    }

    [Fact]
    public void Validate_ClosingBeforeOrAtOpening_OneErrorPerBadInterval()
    {
        var hours = new BusinessHours
        {
            Intervals =
            [
                new(DayOfWeek.Monday, new TimeOnly(18, 0), new TimeOnly(9, 0)),
                new(DayOfWeek.Tuesday, new TimeOnly(9, 0), new TimeOnly(9, 0)),
                new(DayOfWeek.Wednesday, new TimeOnly(9, 0), new TimeOnly(18, 0)),
            ],
        };

        var errors = hours.Validate().ToList();

        Assert.Equal(2, errors.Count);
        Assert.Contains("Monday", errors[0], StringComparison.Ordinal);
        Assert.Contains("closing time must be after the opening time", errors[0], StringComparison.Ordinal);
        Assert.Contains("Tuesday", errors[1], StringComparison.Ordinal);
    }
}
