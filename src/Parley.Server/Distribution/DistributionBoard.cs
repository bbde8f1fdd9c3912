using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;
using Parley.Data;
using Parley.Domain.Conversations;
using Parley.Domain.Distribution;
using Parley.Domain.Settings;
using Parley.Domain.Team;
using Parley.Server.Conversations;
using Parley.Server.Realtime;

namespace Parley.Server.Distribution;

/// <summary>The supervisor view: who is on shift and Online, each one's open chats against the limit, the queue.</summary>
public sealed record DistributionBoard(DistributionMode Mode, QueueSummary Queue, IReadOnlyList<MemberLoad> Members, DateTime At)
{
    public static async Task<DistributionBoard> BuildAsync(ParleyDbContext db, Guid companyId, DateTime now, CancellationToken ct)
    {
        var settings = (await db.Companies.AsNoTracking().Where(c => c.Id == companyId).Select(c => c.Settings).FirstAsync(ct)).Distribution;
        var counts = await DistributionService.OpenChatsAsync(db, companyId, ct);
        var members = await db.TeamMembers.AsNoTracking().Where(m => m.CompanyId == companyId && m.IsActive).OrderBy(m => m.Name).ToListAsync(ct);
        var waiting = db.Conversations.AsNoTracking().Where(c => c.CompanyId == companyId && c.Folder == Folder.New && c.AssigneeId == null);
        var length = await waiting.CountAsync(ct);
        DateTime? oldest = length == 0 ? null : await waiting.MinAsync(c => c.CreatedAt, ct);

        // Managers always; an owner or supervisor only while they take part (on shift, or holding chats).
        var rows = members
            .Where(m => m.Role == Role.Manager || m.OnShift || counts.ContainsKey(m.Id))
            .Select(m =>
            {
                var open = counts.GetValueOrDefault(m.Id);
                return new MemberLoad(
                    m.Id, m.Name, m.Role, m.OnShift, m.ShiftStartedAt, m.Presence, m.DisconnectedAt, open, m.ChatLimit,
                    EligibilityRules.Check(m, open, null, settings, now), m.LastAssignedAt, m.AllowedChannelIds, m.ShiftSchedule);
            })
            .ToList();
        return new DistributionBoard(settings.Mode, new QueueSummary(length, oldest, oldest is { } o ? (int)(now - o).TotalSeconds : null), rows, now);
    }
}

/// <summary>Unassigned New chats: how many, and how long the oldest has waited.</summary>
public sealed record QueueSummary(int Length, DateTime? OldestCreatedAt, int? LongestWaitSeconds);

public sealed record MemberLoad(
    Guid Id, string Name, Role Role, bool OnShift, DateTime? ShiftStartedAt, Presence Presence, DateTime? DisconnectedAt, int OpenChats,
    int? ChatLimit, Eligibility Eligibility, DateTime? LastAssignedAt, IReadOnlyList<Guid> AllowedChannelIds, IReadOnlyList<BusinessInterval> ShiftSchedule);

/// <summary>
/// Pushes the supervisor view (<c>distribution</c>) to the company's owner and supervisors when it changes. Changes are
/// merged per company — a burst of a thousand chats sends a handful of boards, not a thousand — and sent in order.
/// </summary>
public sealed class DistributionFanOut(IHubContext<TeamHub> hub, IServiceScopeFactory scopes, TimeProvider time, ILogger<DistributionFanOut> logger)
    : IEventHandler
{
    private readonly ConcurrentDictionary<Guid, bool> _pending = new();
    private readonly ConcurrentDictionary<Guid, SemaphoreSlim> _turns = new();

    public Task HandleAsync(ParleyEvent e, CancellationToken cancellationToken)
    {
        var changesBoard = e is DistributionChanged || e is ConversationChanged c && !Changes.KeepsPlace(c.Change);
        if (changesBoard && _pending.TryAdd(e.CompanyId, true)) _ = PushAsync(e.CompanyId, cancellationToken);
        return Task.CompletedTask;
    }

    private async Task PushAsync(Guid companyId, CancellationToken ct)
    {
        var turn = _turns.GetOrAdd(companyId, _ => new SemaphoreSlim(1, 1));
        try
        {
            await turn.WaitAsync(ct);
            try
            {
                // Cleared only now: what changes while this board is built queues the next one.
                _pending.TryRemove(companyId, out _);
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<ParleyDbContext>();
                var board = await DistributionBoard.BuildAsync(db, companyId, time.GetUtcNow().UtcDateTime, ct);
                await hub.Clients.Group(TeamHub.AllGroup(companyId)).SendAsync("distribution", board, ct);
            }
            finally
            {
                turn.Release();
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Pushing the distribution view failed for company {CompanyId}", companyId);
        }
    }
}
