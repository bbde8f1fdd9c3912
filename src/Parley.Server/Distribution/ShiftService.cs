using Microsoft.EntityFrameworkCore;
using Parley.Data;
using Parley.Domain.Common;
using Parley.Domain.Companies;
using Parley.Domain.Distribution;
using Parley.Domain.Settings;
using Parley.Domain.Team;
using Parley.Server.Realtime;

namespace Parley.Server.Distribution;

/// <summary>What a member sees of their own distribution state: the console's shift button and Online / Invisible toggle.</summary>
public sealed record MyShiftDto(bool OnShift, DateTime? ShiftStartedAt, Presence Presence, int OpenChats, int? ChatLimit, Eligibility Eligibility);

/// <summary>
/// Start shift, end shift, Online / Invisible, the console connection and the weekly schedule: the one path that the REST
/// API, the team hub and the sweeper use. Each change is announced, and may make someone eligible, so it asks for a pass.
/// </summary>
public sealed class ShiftService(ParleyDbContext db, IEventBus bus, DistributionWorker worker, TimeProvider time)
{
    public Task<MyShiftDto> StartShiftAsync(TeamMember member, CancellationToken ct = default) =>
        ChangeAsync(member.Id, (m, now) => Shifts.Start(m, now), ct);

    public Task<MyShiftDto> EndShiftAsync(TeamMember member, CancellationToken ct = default) =>
        ChangeAsync(member.Id, (m, _) => Shifts.End(m), ct);

    public Task<MyShiftDto> SetPresenceAsync(TeamMember member, Presence presence, CancellationToken ct = default) =>
        ChangeAsync(member.Id, (m, _) => m.Presence = presence, ct);

    public async Task<MyShiftDto> MineAsync(TeamMember member, CancellationToken ct = default)
    {
        var m = await db.TeamMembers.AsNoTracking().FirstAsync(x => x.Id == member.Id, ct);
        return await ToDtoAsync(m, ct);
    }

    /// <summary>The member's first console connection opened: they count as connected again.</summary>
    public async Task ConnectedAsync(Guid memberId, CancellationToken ct = default)
    {
        if (await db.TeamMembers.AnyAsync(m => m.Id == memberId && m.DisconnectedAt != null, ct))
            await ChangeAsync(memberId, (m, _) => m.DisconnectedAt = null, ct);
    }

    /// <summary>The member's last console connection closed; after the grace period they stop receiving new chats.</summary>
    public Task DisconnectedAsync(Guid memberId, CancellationToken ct = default) =>
        ChangeAsync(memberId, (m, now) => m.DisconnectedAt = now, ct);

    /// <summary>Starts or ends the shift when the schedule asks for it now; false when nothing was due (or another node did it).</summary>
    public async Task<bool> ApplyScheduleAsync(Guid memberId, CancellationToken ct = default)
    {
        var changed = false;
        var zone = TimeZones.Find(await db.TeamMembers.Where(m => m.Id == memberId)
            .Join(db.Companies, m => m.CompanyId, c => c.Id, (m, c) => c.TimeZone).FirstAsync(ct));
        await ChangeAsync(memberId, (m, now) =>
        {
            var due = Shifts.ScheduleDue(m, zone, now);
            if (due == ShiftChange.Start) Shifts.Start(m, now);
            if (due == ShiftChange.End) Shifts.End(m);
            changed = due != ShiftChange.None;
        }, ct);
        return changed;
    }

    /// <summary>Owner or supervisor: the member's weekly schedule; an empty list leaves shifts to the member.</summary>
    public async Task<IReadOnlyList<BusinessInterval>> SetScheduleAsync(TeamMember actor, Guid memberId, List<BusinessInterval> schedule, CancellationToken ct = default)
    {
        Ensure(Permissions.CanManageWorkspace(actor));
        if (!await db.TeamMembers.AnyAsync(m => m.Id == memberId && m.CompanyId == actor.CompanyId, ct))
            throw new RuleViolationException(Decision.NotFound(RefusalCodes.TeamMemberNotFound, "Team member not found."));
        await ChangeAsync(memberId, (m, _) => m.ShiftSchedule = schedule, ct);
        return schedule;
    }

    private async Task<MyShiftDto> ChangeAsync(Guid memberId, Action<TeamMember, DateTime> change, CancellationToken ct)
    {
        var m = await db.TeamMembers.FirstAsync(x => x.Id == memberId, ct);
        change(m, time.GetUtcNow().UtcDateTime);
        await db.SaveChangesAsync(ct);
        bus.Publish(new DistributionChanged(m.CompanyId, m.Id));
        worker.Request(m.CompanyId);
        return await ToDtoAsync(m, ct);
    }

    private async Task<MyShiftDto> ToDtoAsync(TeamMember m, CancellationToken ct)
    {
        var settings = (await db.Companies.AsNoTracking().Where(c => c.Id == m.CompanyId).Select(c => c.Settings).FirstAsync(ct)).Distribution;
        var open = (await DistributionService.OpenChatsAsync(db, m.CompanyId, ct)).GetValueOrDefault(m.Id);
        var eligibility = EligibilityRules.Check(m, open, null, settings, time.GetUtcNow().UtcDateTime);
        return new MyShiftDto(m.OnShift, m.ShiftStartedAt, m.Presence, open, m.ChatLimit, eligibility);
    }

    private static void Ensure(Decision decision)
    {
        if (!decision.Allowed) throw new RuleViolationException(decision);
    }
}
