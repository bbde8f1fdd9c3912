using Microsoft.EntityFrameworkCore;
using Parley.Data;
using Parley.Domain.Companies;
using Parley.Domain.Conversations;
using Parley.Domain.Distribution;
using Parley.Domain.Settings;

namespace Parley.Server.Distribution;

/// <summary>
/// Every 15 seconds: starts and ends shifts by the members' weekly schedules, then runs a distribution pass for each
/// company in automatic mode with waiting or assigned New chats — that passes on assignments not accepted in time or held
/// by someone who left (shift ended, console gone past the grace period), and catches anything a missed trigger left
/// in the queue (e.g. a manager who became eligible on another server instance).
/// </summary>
public sealed class DistributionSweeper(IServiceScopeFactory scopes, TimeProvider time, ILogger<DistributionSweeper> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(15);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        do
        {
            try
            {
                await SweepOnceAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError(ex, "Distribution sweep failed");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>One pass; returns how many shifts changed plus how many chats moved.</summary>
    public async Task<int> SweepOnceAsync(CancellationToken ct)
    {
        var changed = await ApplySchedulesAsync(ct);

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ParleyDbContext>();
        var automatic = (await db.Companies.AsNoTracking().Select(c => new { c.Id, c.Settings }).ToListAsync(ct))
            .Where(c => c.Settings.Distribution.Mode == DistributionMode.Automatic).Select(c => c.Id).ToList();
        var withNewChats = await db.Conversations.AsNoTracking()
            .Where(c => c.Folder == Folder.New && automatic.Contains(c.CompanyId)).Select(c => c.CompanyId).Distinct().ToListAsync(ct);
        foreach (var companyId in withNewChats)
        {
            await using var passScope = scopes.CreateAsyncScope();
            changed += await passScope.ServiceProvider.GetRequiredService<DistributionService>().DrainAsync(companyId, ct);
        }

        return changed;
    }

    private async Task<int> ApplySchedulesAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ParleyDbContext>();
        var now = time.GetUtcNow().UtcDateTime;
        var zones = await db.Companies.AsNoTracking().ToDictionaryAsync(c => c.Id, c => TimeZones.Find(c.TimeZone), ct);
        // Schedules are a JSON column, so they are read rather than filtered; a company has tens of members, not millions.
        var members = await db.TeamMembers.AsNoTracking().Where(m => m.IsActive).ToListAsync(ct);
        var changed = 0;
        foreach (var m in members)
        {
            var due = Shifts.ScheduleDue(m, zones[m.CompanyId], now);
            if (due == ShiftChange.None) continue;
            await using var memberScope = scopes.CreateAsyncScope();
            var shifts = memberScope.ServiceProvider.GetRequiredService<ShiftService>();
            if (await shifts.ApplyScheduleAsync(m.Id, ct)) changed++;
        }

        return changed;
    }
}
