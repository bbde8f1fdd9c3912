using Microsoft.EntityFrameworkCore;
using Parley.Data;
using Parley.Domain.Clients;
using Parley.Domain.Common;
using Parley.Domain.Conversations;
using Parley.Domain.Team;
using Parley.Server.Channels;
using Parley.Server.Conversations;
using Parley.Server.Realtime;

namespace Parley.Server.Clients;

/// <summary>The client card's actions: visibility, blocking (which archives the open conversation) and manager changes.</summary>
public sealed class ClientService(ParleyDbContext db, IEventBus bus, ChannelSenders senders, TimeProvider time)
{
    /// <summary>A client is visible to owner/supervisor, and to a manager who sees one of the client's conversations.</summary>
    public async Task<Client> VisibleAsync(TeamMember member, Guid clientId, CancellationToken ct, bool tracked = false)
    {
        var query = db.Clients.Include(c => c.Identities).Include(c => c.Tags).Where(c => c.Id == clientId && c.CompanyId == member.CompanyId);
        var client = await (tracked ? query : query.AsNoTracking()).FirstOrDefaultAsync(ct)
            ?? throw new RuleViolationException(Decision.NotFound(RefusalCodes.ClientNotFound, "Client not found."));
        if (member.SeesEverything) return client;
        var sees = await db.Conversations.AnyAsync(c => c.ClientId == clientId
            && (c.AssigneeId == member.Id || (c.Folder == Folder.New && c.AssigneeId == null)), ct);
        return Permissions.CanEditClient(member, sees) ? client : throw new RuleViolationException(Decision.NotFound(RefusalCodes.ClientNotFound, "Client not found."));
    }

    public async Task SetBlockedAsync(TeamMember member, Guid clientId, bool blocked, CancellationToken ct)
    {
        var company = await db.Companies.AsNoTracking().FirstAsync(c => c.Id == member.CompanyId, ct);
        var client = await VisibleAsync(member, clientId, ct, tracked: true);
        ConversationService.Ensure(Permissions.CanBlockClients(member, company.Settings));
        if (client.IsBlocked == blocked) return;

        var now = time.GetUtcNow().UtcDateTime;
        client.IsBlocked = blocked;
        client.BlockedAt = blocked ? now : null;
        var units = new List<(ConversationUnit Unit, bool WasUnassignedNew)>();
        if (blocked)
        {
            var open = await db.Conversations.Include(c => c.Topics).Where(c => c.ClientId == clientId && c.Folder != Folder.Archived).ToListAsync(ct);
            foreach (var conversation in open)
            {
                var wasUnassignedNew = conversation.Folder == Folder.New && conversation.AssigneeId is null;
                var unit = new ConversationUnit(db, company, client, conversation, senders, now);
                await unit.ApplyAsync(ConversationLifecycle.Archive(conversation, ArchiveReason.Blocked, company.Settings, now), Actor.Member(member));
                conversation.Version++;
                units.Add((unit, wasUnassignedNew));
            }
        }

        await db.SaveChangesAsync(ct);
        foreach (var (unit, wasUnassignedNew) in units)
        {
            bus.Publish(new ConversationChanged(company.Id, ConversationItem.From(unit.Conversation, client.Name, client.PhotoUrl), Changes.Archived,
                LeftUnassignedNew: wasUnassignedNew));
        }
    }
}
