using Microsoft.Extensions.Time.Testing;
using Parley.Domain.Companies;
using Parley.Domain.Distribution;
using Parley.Domain.Settings;
using Parley.Domain.Team;

namespace Parley.Domain.Tests.Distribution;

public class ShiftsTests
{
    private static readonly TimeZoneInfo Kyiv = TimeZones.Find("Europe/Kyiv");

    /// <summary>Thursday 26 November 2026, 06:00 UTC = 08:00 in Kyiv.</summary>
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 26, 6, 0, 0, TimeSpan.Zero));

    private DateTime Now => _time.GetUtcNow().UtcDateTime;

    private static TeamMember Scheduled()
    {
        var m = TestData.Member(Role.Manager, "Maria");
        m.ShiftSchedule = [new BusinessInterval(DayOfWeek.Thursday, new TimeOnly(9, 0), new TimeOnly(18, 0))];
        return m;
    }

    private ShiftChange Sweep(TeamMember m)
    {
        var due = Shifts.ScheduleDue(m, Kyiv, Now);
        if (due == ShiftChange.Start) Shifts.Start(m, Now);
        if (due == ShiftChange.End) Shifts.End(m);
        return due;
    }

    [Fact]
    public void ScheduleDue_NineToSixInKyiv_StartsAtNineEndsAtSix()
    {
        var m = Scheduled();

        Assert.Equal(ShiftChange.None, Sweep(m)); // 08:00
        _time.Advance(TimeSpan.FromHours(1)); // 09:00 Kyiv
        Assert.Equal(ShiftChange.Start, Sweep(m));
        Assert.True(m.OnShift);
        Assert.Equal(Now, m.ShiftStartedAt);
        _time.Advance(TimeSpan.FromHours(9).Subtract(TimeSpan.FromMinutes(1))); // 17:59
        Assert.Equal(ShiftChange.None, Sweep(m));
        _time.Advance(TimeSpan.FromMinutes(1)); // 18:00
        Assert.Equal(ShiftChange.End, Sweep(m));
        Assert.False(m.OnShift);
    }

    [Fact]
    public void ScheduleDue_EndedByHandInsideInterval_NotRestarted()
    {
        var m = Scheduled();
        _time.Advance(TimeSpan.FromHours(1));
        Sweep(m);

        _time.Advance(TimeSpan.FromHours(2));
        Shifts.End(m);

        Assert.Equal(ShiftChange.None, Sweep(m));
        _time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(ShiftChange.None, Sweep(m));
    }

    [Fact]
    public void ScheduleDue_StartedByHandAfterHours_RunsUntilTheNextClosing()
    {
        var m = Scheduled();
        _time.Advance(TimeSpan.FromHours(13)); // 21:00 Kyiv, after the closing
        Shifts.Start(m, Now);

        Assert.Equal(ShiftChange.None, Sweep(m));
        _time.Advance(TimeSpan.FromDays(7).Subtract(TimeSpan.FromHours(3))); // next Thursday 18:00
        Assert.Equal(ShiftChange.End, Sweep(m));
    }

    [Fact]
    public void ScheduleDue_NoSchedule_NeverChangesTheShift()
    {
        var m = TestData.Member(Role.Manager, "Maria");
        Assert.Equal(ShiftChange.None, Shifts.ScheduleDue(m, Kyiv, Now));
        Shifts.Start(m, Now);
        _time.Advance(TimeSpan.FromDays(3));
        Assert.Equal(ShiftChange.None, Shifts.ScheduleDue(m, Kyiv, Now));
    }

    [Fact]
    public void ScheduleDue_ReadInCompanyZone_NotUtc()
    {
        var m = Scheduled();
        _time.Advance(TimeSpan.FromHours(3)); // 09:00 UTC = 11:00 Kyiv, inside; 09:00 UTC is not the opening in Kyiv

        Assert.Equal(Shifts.CurrentOpening(m.ShiftSchedule, Kyiv, Now), new DateTime(2026, 11, 26, 7, 0, 0, DateTimeKind.Utc));
        Assert.Equal(new DateTime(2026, 11, 26, 9, 0, 0, DateTimeKind.Utc), Shifts.CurrentOpening(m.ShiftSchedule, TimeZoneInfo.Utc, Now));
    }

    [Fact]
    public void Start_WhileInvisible_ComesBackOnline()
    {
        var m = TestData.Member(Role.Manager, "Maria");
        m.Presence = Presence.Invisible;

        Shifts.Start(m, Now);

        Assert.True(m.OnShift);
        Assert.Equal(Presence.Online, m.Presence);
    }

    [Fact]
    public void Validate_ClosingBeforeOpening_Refused()
    {
        var errors = Shifts.Validate([new BusinessInterval(DayOfWeek.Monday, new TimeOnly(18, 0), new TimeOnly(9, 0))]).ToList();
        Assert.Single(errors);
    }
}
