using Parley.Domain.Settings;
using Parley.Domain.Team;

namespace Parley.Domain.Distribution;

public enum ShiftChange
{
    None,
    Start,
    End,
}

/// <summary>Start shift, end shift, Online / Invisible, and the optional weekly schedule that starts and ends shifts by itself.</summary>
public static class Shifts
{
    /// <summary>
    /// How long after a scheduled opening the schedule still starts a shift. Bounded so that a manager who ends a shift by hand
    /// in the middle of a scheduled interval is not put back on shift by the next sweep.
    /// </summary>
    public static readonly TimeSpan StartWindow = TimeSpan.FromMinutes(10);

    /// <summary>Starting a shift means being ready for chats, so it also comes back Online.</summary>
    public static void Start(TeamMember member, DateTime now)
    {
        member.OnShift = true;
        member.ShiftStartedAt = now;
        member.Presence = Presence.Online;
    }

    public static void End(TeamMember member) => member.OnShift = false;

    /// <summary>What the member's weekly schedule asks for now, read in the company's zone; None without a schedule.</summary>
    public static ShiftChange ScheduleDue(TeamMember member, TimeZoneInfo zone, DateTime now)
    {
        var schedule = member.ShiftSchedule;
        if (schedule.Count == 0 || !member.IsActive) return ShiftChange.None;

        if (CurrentOpening(schedule, zone, now) is { } opening)
        {
            var startedThisInterval = member.ShiftStartedAt is { } started && started >= opening;
            return !member.OnShift && !startedThisInterval && now - opening < StartWindow ? ShiftChange.Start : ShiftChange.None;
        }

        // Ended only by a closing that came after the shift started: a shift started by hand after hours runs until the next closing.
        return member.OnShift && LastClosing(schedule, zone, now) is { } closing && (member.ShiftStartedAt is null || member.ShiftStartedAt < closing)
            ? ShiftChange.End
            : ShiftChange.None;
    }

    /// <summary>The UTC moment the interval containing <paramref name="now"/> opened, or null outside every interval.</summary>
    public static DateTime? CurrentOpening(IReadOnlyList<BusinessInterval> schedule, TimeZoneInfo zone, DateTime now)
    {
        var local = TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(now, DateTimeKind.Utc), zone);
        var time = TimeOnly.FromDateTime(local);
        var day = DateOnly.FromDateTime(local);
        var interval = schedule.FirstOrDefault(i => i.Day == local.DayOfWeek && time >= i.Opens && time < i.Closes);
        return interval is null ? null : ToUtc(day, interval.Opens, zone);
    }

    /// <summary>The latest scheduled closing at or before <paramref name="now"/> within the past week, in UTC.</summary>
    public static DateTime? LastClosing(IReadOnlyList<BusinessInterval> schedule, TimeZoneInfo zone, DateTime now)
    {
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(now, DateTimeKind.Utc), zone));
        DateTime? latest = null;
        for (var back = 0; back <= 7; back++)
        {
            var day = today.AddDays(-back);
            foreach (var interval in schedule.Where(i => i.Day == day.DayOfWeek))
            {
                var closing = ToUtc(day, interval.Closes, zone);
                if (closing <= now && (latest is null || closing > latest)) latest = closing;
            }
        }

        return latest;
    }

    public static IEnumerable<string> Validate(IReadOnlyList<BusinessInterval> schedule) => new BusinessHours { Intervals = [.. schedule] }.Validate();

    private static DateTime ToUtc(DateOnly day, TimeOnly time, TimeZoneInfo zone)
    {
        var local = day.ToDateTime(time, DateTimeKind.Unspecified);
        // A time skipped by the clocks going forward happens an hour later in practice.
        if (zone.IsInvalidTime(local)) local = local.AddHours(1);
        return TimeZoneInfo.ConvertTimeToUtc(local, zone);
    }
}
