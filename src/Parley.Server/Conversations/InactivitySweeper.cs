using Microsoft.EntityFrameworkCore;
using Parley.Data;
using Parley.Domain.Conversations;

namespace Parley.Server.Conversations;

/// <summary>
/// Rule 6: every 30 seconds, archives Active conversations where the team spoke last and the client stayed silent for the
/// company's configured time. One indexed range query finds candidates; each archive is an optimistic-concurrency
/// commit, so two server instances sweeping at once produce one archive and one system message.
/// </summary>
public sealed class InactivitySweeper(IServiceScopeFactory scopes, TimeProvider time, ILogger<InactivitySweeper> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);
    private const int Batch = 500;

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
                logger.LogError(ex, "Inactivity sweep failed");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>One pass; returns how many conversations this pass archived.</summary>
    public async Task<int> SweepOnceAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ParleyDbContext>();
        var now = time.GetUtcNow().UtcDateTime;

        var minutesByCompany = (await db.Companies.AsNoTracking().Select(c => new { c.Id, c.Settings }).ToListAsync(ct))
            .Where(c => c.Settings.InactivityCloseMinutes is not null)
            .ToDictionary(c => c.Id, c => c.Settings.InactivityCloseMinutes!.Value);
        if (minutesByCompany.Count == 0) return 0;

        var earliestCutoff = now - TimeSpan.FromMinutes(minutesByCompany.Values.Min());
        var candidates = await db.Conversations.AsNoTracking()
            .Where(c => c.Folder == Folder.Active && c.TeamSpokeLastAt != null && c.TeamSpokeLastAt <= earliestCutoff)
            .OrderBy(c => c.TeamSpokeLastAt)
            .Select(c => new { c.Id, c.CompanyId, c.TeamSpokeLastAt })
            .Take(Batch)
            .ToListAsync(ct);

        var archived = 0;
        foreach (var c in candidates)
        {
            if (!minutesByCompany.TryGetValue(c.CompanyId, out var minutes) || c.TeamSpokeLastAt > now - TimeSpan.FromMinutes(minutes)) continue;
            await using var itemScope = scopes.CreateAsyncScope();
            var service = itemScope.ServiceProvider.GetRequiredService<ConversationService>();
            if (await service.ArchiveIfInactiveAsync(c.CompanyId, c.Id, ct)) archived++;
        }

        return archived;
    }
}
