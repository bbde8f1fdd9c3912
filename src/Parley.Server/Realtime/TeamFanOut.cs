using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;
using Parley.Data;
using Parley.Data.Conversations;
using Parley.Domain.Conversations;
using Parley.Domain.Team;
using Parley.Server.Conversations;

namespace Parley.Server.Realtime;

/// <summary>Pushes committed events to the team members who may see them, and live folder counts when folders change.</summary>
public sealed class TeamFanOut(IHubContext<TeamHub> hub, IServiceScopeFactory scopes) : IEventHandler
{
    public async Task HandleAsync(ParleyEvent e, CancellationToken cancellationToken)
    {
        var ct = cancellationToken;
        switch (e)
        {
            case ConversationChanged c:
                await To(c.CompanyId, c.Conversation, c.PreviousAssigneeId).SendAsync("conversationChanged", c.Conversation, c.Change, ct);
                if (c.LeftUnassignedNew)
                {
                    // Every manager saw it among unassigned New chats; tell them it is gone from there (not its later messages).
                    await hub.Clients.Group(TeamHub.ManagersGroup(c.CompanyId)).SendAsync("conversationChanged", c.Conversation, c.Change, ct);
                }

                if (!Changes.KeepsPlace(c.Change)) await PushCountsAsync(c.CompanyId, ct);
                break;
            case MessageAdded m:
                await hub.Clients.Group(TeamHub.AllGroup(m.CompanyId)).SendAsync("messageAdded", m.Conversation, m.Message, ct);
                await ToManagers(m.CompanyId, m.Conversation).SendAsync("messageAdded", m.Conversation, m.Message.ForViewer(withAudit: false), ct);
                break;
            case MessageChanged m:
                await hub.Clients.Group(TeamHub.AllGroup(m.CompanyId)).SendAsync("messageChanged", m.Conversation.Id, m.Message, m.Change, ct);
                await ToManagers(m.CompanyId, m.Conversation).SendAsync("messageChanged", m.Conversation.Id, m.Message.ForViewer(withAudit: false), m.Change, ct);
                break;
            case AssigneeAlerted a when a.Conversation.AssigneeId is { } assignee:
                await hub.Clients.Group(TeamHub.MemberGroup(assignee)).SendAsync("assigneeAlerted", a.Conversation, a.Reason, ct);
                break;
            case TypingChanged t:
                await To(t.CompanyId, t.Conversation).SendAsync("typing", t.Conversation.Id, t.Who, t.MemberId, t.IsTyping, ct);
                break;
        }
    }

    /// <summary>
    /// Owner and supervisors see all; the assignee sees theirs; unassigned New chats are for every manager. The
    /// assignee is reached through the Manager-role group: an owner who is the assignee is already in the all-group, and
    /// SignalR sends once per group, so the member group would hand them every event twice.
    /// </summary>
    private IClientProxy To(Guid companyId, ConversationItem c, Guid? previousAssignee = null)
    {
        var groups = new List<string> { TeamHub.AllGroup(companyId) };
        if (c.AssigneeId is { } assignee) groups.Add(TeamHub.ManagerGroup(assignee));
        if (c.Folder == Folder.New && c.AssigneeId is null) groups.Add(TeamHub.ManagersGroup(companyId));
        if (previousAssignee is { } previous && previous != c.AssigneeId) groups.Add(TeamHub.ManagerGroup(previous));
        return hub.Clients.Groups(groups);
    }

    /// <summary>
    /// The Manager-role members who see the conversation. Deleted texts and edit history are for owner and supervisors
    /// only (PRODUCT.md, Messages), so these get the stripped message.
    /// </summary>
    private IClientProxy ToManagers(Guid companyId, ConversationItem c)
    {
        var groups = new List<string>();
        if (c.AssigneeId is { } assignee) groups.Add(TeamHub.ManagerGroup(assignee));
        if (c.Folder == Folder.New && c.AssigneeId is null) groups.Add(TeamHub.ManagersGroup(companyId));
        return hub.Clients.Groups(groups);
    }

    /// <summary>
    /// One grouped query over the maintained counters (not the conversations) gives every member's counts: totals for
    /// owner/supervisors, own plus unassigned New for managers.
    /// </summary>
    private async Task PushCountsAsync(Guid companyId, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ParleyDbContext>();
        var rows = await db.ConversationCounts.AsNoTracking().Where(k => k.CompanyId == companyId)
            .GroupBy(k => new { k.Folder, k.AssigneeId }).Select(g => new { g.Key.Folder, g.Key.AssigneeId, Count = g.Sum(k => k.Count) }).ToListAsync(ct);
        int Sum(Folder f, Func<Guid, bool> who) => rows.Where(r => r.Folder == f && who(r.AssigneeId)).Sum(r => r.Count);

        await hub.Clients.Group(TeamHub.AllGroup(companyId)).SendAsync("counts",
            new FolderCounts(Sum(Folder.New, _ => true), Sum(Folder.Active, _ => true), Sum(Folder.Archived, _ => true)), ct);
        var managers = await db.TeamMembers.AsNoTracking().Where(m => m.CompanyId == companyId && m.Role == Role.Manager && m.IsActive).Select(m => m.Id).ToListAsync(ct);
        var unassignedNew = Sum(Folder.New, a => a == ConversationCount.Unassigned);
        foreach (var id in managers)
        {
            await hub.Clients.Group(TeamHub.MemberGroup(id)).SendAsync("counts",
                new FolderCounts(unassignedNew + Sum(Folder.New, a => a == id), Sum(Folder.Active, a => a == id), Sum(Folder.Archived, a => a == id)), ct);
        }
    }
}
