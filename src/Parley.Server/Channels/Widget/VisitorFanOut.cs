using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;
using Parley.Data;
using Parley.Domain.Channels;
using Parley.Server.Conversations;
using Parley.Server.Infrastructure;
using Parley.Server.Realtime;

namespace Parley.Server.Channels.Widget;

/// <summary>
/// The widget's delivery: widget channels have no outbox sender, so what the team does in a widget conversation is
/// pushed live to that visitor's own group (history covers whoever was offline). Private notes never leave.
/// </summary>
public sealed class VisitorFanOut(IHubContext<VisitorHub> hub, IServiceScopeFactory scopes) : IEventHandler
{
    public async Task HandleAsync(ParleyEvent e, CancellationToken cancellationToken)
    {
        var ct = cancellationToken;
        switch (e)
        {
            case MessageAdded { Conversation.ChannelType: ChannelType.Widget, Message.IsPrivateNote: false } m:
                await SendAsync(m.Conversation, "message", async db => VisitorMessage.From(m.Message, await AuthorNameAsync(db, m.Message, ct)), ct);
                break;
            case MessageChanged { Conversation.ChannelType: ChannelType.Widget, Message.IsPrivateNote: false, Change: Changes.Edited or Changes.Deleted } m:
                await SendAsync(m.Conversation, "messageChanged", async db => VisitorMessage.From(m.Message, await AuthorNameAsync(db, m.Message, ct)), ct);
                break;
            case ConversationChanged { Conversation.ChannelType: ChannelType.Widget, Conversation.UnreadCount: 0 } c:
                // A manager read the conversation (or answered in it): everything the visitor wrote so far is seen.
                await SendAsync(c.Conversation, "seen", _ => Task.FromResult<object>(c.Conversation.Id), ct);
                break;
            case TypingChanged { Conversation.ChannelType: ChannelType.Widget, MemberId: not null } t:
                await SendAsync(t.Conversation, "typing", _ => Task.FromResult<object>(new { name = t.Who, isTyping = t.IsTyping }), ct);
                break;
        }
    }

    private async Task SendAsync(ConversationItem conversation, string method, Func<ParleyDbContext, Task<object>> payload, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ParleyDbContext>();
        var groups = await GroupsAsync(db, conversation, ct);
        if (groups.Length == 0) return;
        var body = await payload(db);
        await hub.Clients.Groups(groups).SendAsync(method, body, ct);
    }

    /// <summary>
    /// The visitor groups of the conversation's client on its channel. A client's addresses on a channel are made with
    /// the client and never change, so they are remembered (a bounded number of clients) instead of read for every push.
    /// </summary>
    private async Task<string[]> GroupsAsync(ParleyDbContext db, ConversationItem conversation, CancellationToken ct)
    {
        var key = (conversation.ClientId, conversation.ChannelId);
        if (_groups.TryGetValue(key, out var known)) return known;
        var ids = await db.ClientIdentities.AsNoTracking()
            .Where(i => i.ClientId == conversation.ClientId && i.ChannelId == conversation.ChannelId)
            .Select(i => i.ExternalId).ToListAsync(ct);
        var groups = ids.Select(id => new Visitor(conversation.ChannelId, id).Group).ToArray();
        if (groups.Length == 0) return groups;
        if (_groups.Count >= MaxRemembered) _groups.Clear();
        _groups[key] = groups;
        return groups;
    }

    private const int MaxRemembered = 50_000;

    private readonly ConcurrentDictionary<(Guid ClientId, Guid ChannelId), string[]> _groups = new();

    private static async Task<string?> AuthorNameAsync(ParleyDbContext db, MessageDto message, CancellationToken ct) =>
        message.AuthorMemberId is { } id ? await MemberName.For(db)(db, id, ct) : null;

    /// <summary>Read for every team message pushed to a visitor.</summary>
    private static readonly CompiledQuery<Func<ParleyDbContext, Guid, CancellationToken, Task<string?>>> MemberName = new(() => EF.CompileAsyncQuery(
        (ParleyDbContext db, Guid id, CancellationToken ct) => db.TeamMembers.Where(m => m.Id == id).Select(m => m.Name).FirstOrDefault()));
}
