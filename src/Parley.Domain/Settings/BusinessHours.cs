namespace Parley.Domain.Settings;

/// <summary>Weekly opening intervals in the company's time zone.</summary>
public sealed class BusinessHours
{
    public List<BusinessInterval> Intervals { get; set; } = [];

    public static BusinessHours Weekdays9To18() => new()
    {
        Intervals =
        [
            .. new[] { DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday }
                .Select(d => new BusinessInterval(d, new TimeOnly(9, 0), new TimeOnly(18, 0))),
        ],
    };

    /// <summary>Is <paramref name="utcNow"/> inside an interval, read in <paramref name="timeZone"/>?</summary>
    public bool IsOpen(DateTime utcNow, TimeZoneInfo timeZone)
    {
        var local = TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utcNow, DateTimeKind.Utc), timeZone);
        var time = TimeOnly.FromDateTime(local);
        return Intervals.Any(i => i.Day == local.DayOfWeek && time >= i.Opens && time < i.Closes);
    }

    public IEnumerable<string> Validate()
    {
        foreach (var i in Intervals)
        {
            if (i.Closes <= i.Opens)
                yield return $"{i.Day}: the closing time must be after the opening time.";
        }
    }
}

public sealed record BusinessInterval(DayOfWeek Day, TimeOnly Opens, TimeOnly Closes);
