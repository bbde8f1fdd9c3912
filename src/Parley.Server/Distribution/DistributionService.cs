using Microsoft.EntityFrameworkCore;
using Parley.Data;
using Parley.Data.Conversations;
using Parley.Domain.Conversations;
using Parley.Domain.Distribution;
using Parley.Domain.Settings;
using Parley.Domain.Team;
using Parley.Server.Conversations;
using Parley.Server.Realtime;

namespace Parley.Server.Distribution;

/// <summary>
/// Automatic mode's one write path: every assignment, pass-on and return to the queue is made here, recorded in the
/// conversation's history and announced on the bus. A pass locks the company's team member rows first (PostgreSQL:
/// SELECT … FOR UPDATE; SQLite: the write lock, since its writes are serialized), so assigners on any number of server
/// instances take turns per company: open chats are counted after the previous assigner committed, no manager goes above
/// the limit and no chat is assigned twice. Conversation.Version still guards against a manager accepting at the same time.
/// </summary>
public sealed class DistributionService(ParleyDbContext db, IEventBus bus, TimeProvider time)
{
    /// <summary>Chats handled per transaction: big enough for bursts, small enough to keep the member lock short.</summary>
    public const int Batch = 200;

    private const int MaxAttempts = 5;

    /// <summary>Passes stale assignments on and assigns the queue, oldest first, until nothing more can move; returns how many moved.</summary>
    public async Task<int> DrainAsync(Guid companyId, CancellationToken ct = default)
    {
        var total = 0;
        while (true)
        {
            var (moved, full) = await PassWithRetriesAsync(companyId, ct);
            total += moved;
            if (moved == 0 || !full) return total;
        }
    }

    private async Task<(int Moved, bool Full)> PassWithRetriesAsync(Guid companyId, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await PassAsync(companyId, ct);
            }
            catch (DbUpdateConcurrencyException) when (attempt < MaxAttempts)
            {
                // A manager accepted one of the chats meanwhile; plan again from what is committed now.
                db.ChangeTracker.Clear();
            }
        }
    }

    private async Task<(int Moved, bool Full)> PassAsync(Guid companyId, CancellationToken ct)
    {
        // Rows tracked by an earlier pass would win over what the lock reads now (EF keeps the tracked copy), and another
        // node may have changed them since: start every pass from the database.
        db.ChangeTracker.Clear();
        var settings = (await db.Companies.AsNoTracking().Where(c => c.Id == companyId).Select(c => c.Settings).FirstOrDefaultAsync(ct))?.Distribution;
        if (settings is not { Mode: DistributionMode.Automatic }) return (0, false);

        await using var tx = await db.BeginWriteTransactionAsync(ct);
        var members = await LockMembersAsync(companyId, ct);
        var now = time.GetUtcNow().UtcDateTime;
        var counts = await OpenChatsAsync(db, companyId, ct);
        var stale = await StaleAsync(companyId, members, settings, now, ct);
        var anyoneEligible = members.Any(m => EligibilityRules.Check(m, counts.GetValueOrDefault(m.Id), null, settings, now) == Eligibility.Eligible);
        var queue = anyoneEligible
            ? await db.Conversations.Where(c => c.CompanyId == companyId && c.Folder == Folder.New && c.AssigneeId == null)
                .OrderBy(c => c.CreatedAt).ThenBy(c => c.Id).Take(Batch).ToListAsync(ct)
            : [];
        if (stale.Count == 0 && queue.Count == 0) return (0, false);

        var clientIds = stale.Concat(queue).Select(c => c.ClientId).Distinct().ToList();
        var clients = await db.Clients.AsNoTracking().Where(c => clientIds.Contains(c.Id))
            .Select(c => new { c.Id, c.ManagerId, c.Name, c.PhotoUrl }).ToDictionaryAsync(c => c.Id, ct);
        WaitingChat Waiting(Conversation c) => new(c, clients[c.ClientId].ManagerId);

        var plan = AssignmentRules.Plan(members, counts, stale.Select(Waiting), queue.Select(Waiting), settings, now);
        if (plan.Count == 0) return (0, false);
        foreach (var a in plan) Record(a, members, settings, now);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);

        foreach (var a in plan)
        {
            var client = clients[a.Conversation.ClientId];
            var item = ConversationItem.From(a.Conversation, client.Name, client.PhotoUrl);
            bus.Publish(new ConversationChanged(
                companyId, item, a.To is null ? DistributionChanges.Unassigned : DistributionChanges.Assigned, a.From, LeftUnassignedNew: a.From is null));
        }

        bus.Publish(new DistributionChanged(companyId));
        return (plan.Count, stale.Count == Batch || queue.Count == Batch);
    }

    /// <summary>Open chats per member: Active plus assigned New (PRODUCT.md: what the limit counts).</summary>
    /// <remarks>
    /// Summed from the folder counters (<c>ConversationCounts</c>, kept by triggers in the same transaction as every change
    /// of a conversation), a few rows per member. Counted from the conversations, SQLite (on the bench's 1 M database, with
    /// statistics) read every assigned conversation, the archive's too, by the assignee index: 0.25 s per board refresh.
    /// </remarks>
    public static async Task<Dictionary<Guid, int>> OpenChatsAsync(ParleyDbContext db, Guid companyId, CancellationToken ct)
    {
        var unassigned = ConversationCount.Unassigned;
        return await db.ConversationCounts
            .Where(k => k.CompanyId == companyId && k.AssigneeId != unassigned && (k.Folder == Folder.Active || k.Folder == Folder.New))
            .GroupBy(k => k.AssigneeId)
            .Select(g => new { Id = g.Key, Count = g.Sum(k => k.Count) })
            .Where(g => g.Count > 0)
            .ToDictionaryAsync(g => g.Id, g => g.Count, ct);
    }

    /// <summary>Takes the company's member rows for this transaction, in id order so that two lockers never deadlock.</summary>
    private async Task<List<TeamMember>> LockMembersAsync(Guid companyId, CancellationToken ct)
    {
        if (db.Database.IsNpgsql())
        {
            return await db.TeamMembers
                .FromSql($"""SELECT * FROM "TeamMembers" WHERE "CompanyId" = {companyId} ORDER BY "Id" FOR UPDATE""")
                .ToListAsync(ct);
        }

        // SQLite has one writer at a time: writing first makes this transaction that writer until it commits.
        await db.TeamMembers.Where(m => m.CompanyId == companyId).ExecuteUpdateAsync(s => s.SetProperty(m => m.LastAssignedAt, m => m.LastAssignedAt), ct);
        return await db.TeamMembers.Where(m => m.CompanyId == companyId).OrderBy(m => m.Id).ToListAsync(ct);
    }

    /// <summary>Assigned New chats that may have to move: not accepted in time, or held by someone no longer available.</summary>
    private async Task<List<Conversation>> StaleAsync(Guid companyId, List<TeamMember> members, DistributionSettings settings, DateTime now, CancellationToken ct)
    {
        var unavailable = members.Where(m => !EligibilityRules.MayHoldAssignments(m, settings, now)).Select(m => (Guid?)m.Id).ToList();
        var cutoff = AssignmentRules.AcceptCutoff(settings, now) ?? DateTime.MinValue;
        return await db.Conversations
            .Where(c => c.CompanyId == companyId && c.Folder == Folder.New && c.AssigneeId != null
                        && (c.AssignedAt <= cutoff || unavailable.Contains(c.AssigneeId)))
            .OrderBy(c => c.AssignedAt).ThenBy(c => c.Id)
            .Take(Batch)
            .ToListAsync(ct);
    }

    private void Record(Assignment a, List<TeamMember> members, DistributionSettings settings, DateTime now)
    {
        a.Conversation.Version++;
        var from = a.From is { } id ? members.FirstOrDefault(m => m.Id == id)?.Name : null;
        var why = a.Reason switch
        {
            AssignmentReason.NotAccepted => $"not accepted in {settings.AcceptTimeoutMinutes} min",
            AssignmentReason.AssigneeUnavailable => "the manager is unavailable",
            _ => null,
        };
        var details = (a.To?.Name, from) switch
        {
            ({ } to, null) => to,
            ({ } to, { } f) => $"{f} → {to} ({why})",
            (null, var f) => $"{f ?? "The manager"}: back to the queue ({why})",
        };
        db.ConversationEvents.Add(new ConversationEvent
        {
            CompanyId = a.Conversation.CompanyId,
            ConversationId = a.Conversation.Id,
            Kind = a.To is null ? HistoryKinds.Unassigned : HistoryKinds.Assigned,
            ActorKind = ActorKind.System,
            Details = details,
            CreatedAt = now,
        });
    }
}
