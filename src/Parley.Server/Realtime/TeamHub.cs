using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using Parley.Domain.Team;
using Parley.Server.Conversations;
using Parley.Server.Distribution;
using Parley.Server.Team;

namespace Parley.Server.Realtime;

/// <summary>
/// <c>/hubs/team</c>: the console's live connection. Members join their company's groups by role and receive only what
/// the Roles table lets them see. Actions go through the same use cases as the REST API.
/// </summary>
[Authorize]
public sealed class TeamHub(
    CurrentMember me, ConversationService conversations, ConversationFinder finder, IEventBus bus, ShiftService shifts, TeamConnections connections) : Hub
{
    public static string AllGroup(Guid companyId) => $"company:{companyId}:all";

    public static string ManagersGroup(Guid companyId) => $"company:{companyId}:managers";

    public static string MemberGroup(Guid memberId) => $"member:{memberId}";

    /// <summary>A Manager-role member's own group: messages sent here leave out deleted texts and edit history.</summary>
    public static string ManagerGroup(Guid memberId) => $"manager:{memberId}";

    public override async Task OnConnectedAsync()
    {
        var member = await Member();
        await Groups.AddToGroupAsync(Context.ConnectionId, MemberGroup(member.Id));
        await Groups.AddToGroupAsync(Context.ConnectionId, member.SeesEverything ? AllGroup(member.CompanyId) : ManagersGroup(member.CompanyId));
        if (!member.SeesEverything) await Groups.AddToGroupAsync(Context.ConnectionId, ManagerGroup(member.Id));
        if (connections.Opened(member.Id)) await shifts.ConnectedAsync(member.Id, Context.ConnectionAborted);
        await base.OnConnectedAsync();
    }

    public override async Task OnDisconnectedAsync(Exception? exception)
    {
        // The connection is gone, so its token is cancelled; the bookkeeping must still be written.
        if (CurrentMember.MemberId(Context.User!) is { } id && connections.Closed(id)) await shifts.DisconnectedAsync(id, CancellationToken.None);
        await base.OnDisconnectedAsync(exception);
    }

    public async Task<MyShiftDto> StartShift() => await shifts.StartShiftAsync(await Member(), Context.ConnectionAborted);

    public async Task<MyShiftDto> EndShift() => await shifts.EndShiftAsync(await Member(), Context.ConnectionAborted);

    public async Task<MyShiftDto> SetPresence(Presence presence) => await shifts.SetPresenceAsync(await Member(), presence, Context.ConnectionAborted);

    public async Task<FolderCounts> GetCounts() => await finder.CountsAsync(await Member(), Context.ConnectionAborted);

    public async Task<ConversationItem> Accept(Guid conversationId) => await conversations.AcceptAsync(await Member(), conversationId, Context.ConnectionAborted);

    public async Task<MessageDto> Send(Guid conversationId, string text, string? clientMessageId, bool isPrivateNote)
    {
        if (string.IsNullOrWhiteSpace(text) || text.Length > ConversationsApi.MaxTextLength)
            throw new HubException($"A message needs 1–{ConversationsApi.MaxTextLength} characters.");
        return await conversations.SendAsync(await Member(), conversationId, new SendMessage(text, clientMessageId, isPrivateNote), Context.ConnectionAborted);
    }

    public async Task<ConversationItem> Finish(Guid conversationId) => await conversations.FinishAsync(await Member(), conversationId, Context.ConnectionAborted);

    public async Task Typing(Guid conversationId, bool isTyping)
    {
        var member = await Member();
        var c = await conversations.VisibleItemAsync(member, conversationId, Context.ConnectionAborted);
        bus.Publish(new TypingChanged(member.CompanyId, c, member.Name, member.Id, isTyping));
    }

    private async Task<TeamMember> Member()
    {
        try
        {
            return await me.GetAsync(Context.User!, Context.ConnectionAborted);
        }
        catch (Domain.Common.RuleViolationException ex)
        {
            throw HubErrors.ToHubException(ex);
        }
    }
}
