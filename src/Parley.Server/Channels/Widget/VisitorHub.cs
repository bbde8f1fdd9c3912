using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;
using Parley.Data;
using Parley.Domain.Channels;
using Parley.Domain.SystemMessages;
using Parley.Server.Conversations;
using Parley.Server.Realtime;

namespace Parley.Server.Channels.Widget;

public sealed record JoinRequest(string? Channel, string? VisitorToken, string? HostOrigin, string? Language);

public sealed record SendRequest(string? Text, string? ClientMessageId, IReadOnlyList<Guid>? AttachmentIds, CustomerData? Customer);

/// <summary>
/// <c>/hubs/visitor</c>: the widget's live connection (and any app that speaks for a visitor). <c>Join</c> first, with the
/// channel's public token and the stored visitor token; then send, press buttons, type. Team messages arrive through
/// <see cref="VisitorFanOut"/> in the visitor's own group only.
/// </summary>
public sealed class VisitorHub(
    ParleyDbContext db, VisitorTokens tokens, WidgetOrigins origins, WidgetRateLimits limits, WidgetFiles files, ClientMessageService inbound,
    IEventBus bus, ChannelCache channels) : Hub
{
    public const int MaxTextLength = 4000;
    private const string StateKey = "parley.visitor";

    private sealed class State
    {
        public Guid ChannelId { get; init; }

        public string? HostOrigin { get; init; }

        public string? Language { get; init; }

        public Visitor? Visitor { get; set; }
    }

    public async Task<VisitorSession> Join(JoinRequest request)
    {
        var channel = await db.Channels.AsNoTracking()
            .FirstOrDefaultAsync(c => c.PublicToken == request.Channel && c.Type == ChannelType.Widget && c.IsEnabled, Context.ConnectionAborted)
            ?? throw new HubException("This chat widget is not available.");
        var settings = WidgetSettings.Read(channel);
        if (!origins.IsAllowed(Context.GetHttpContext(), settings, request.HostOrigin)) throw new HubException(WidgetOrigins.Refused);

        var visitor = tokens.Read(request.VisitorToken, channel.Id);
        if (visitor is null && !settings.RequireVerification) visitor = Visitor.NewAnonymous(channel.Id);
        if (visitor is { IsVerified: false } && settings.RequireVerification) visitor = null;

        var previous = CurrentState();
        if (previous?.Visitor is { } old) await Groups.RemoveFromGroupAsync(Context.ConnectionId, old.Group);
        Context.Items[StateKey] = new State { ChannelId = channel.Id, HostOrigin = request.HostOrigin, Language = request.Language, Visitor = visitor };
        return await SessionAsync(channel, settings, visitor);
    }

    /// <summary>Switches the connection to the verified user <c>user:&lt;userId&gt;</c>, whose history follows them across devices.</summary>
    public async Task<VisitorSession> Identify(string? userId, string? userHash)
    {
        var state = Joined();
        var (channel, widget) = await ChannelAsync(state);
        if (string.IsNullOrWhiteSpace(userId) || userId.Length > 200) throw new HubException("'userId' is required (at most 200 characters).");
        if (!VisitorTokens.IsValidUserHash(channel, userId, userHash))
            throw new HubException("Identity verification failed: userHash does not match userId for this widget.");

        if (state.Visitor is { } old) await Groups.RemoveFromGroupAsync(Context.ConnectionId, old.Group);
        state.Visitor = new Visitor(channel.Id, Visitor.VerifiedPrefix + userId);
        return await SessionAsync(channel, widget, state.Visitor);
    }

    public async Task<VisitorMessage> Send(SendRequest request)
    {
        var state = Joined();
        var (channel, visitor) = await VisitorAsync(state);
        var text = request.Text ?? "";
        var attachmentIds = request.AttachmentIds ?? [];
        if (text.Length > MaxTextLength)
            throw new HubException($"Your message is too long: {text.Length:N0} characters. Please keep it within {MaxTextLength:N0} characters.");
        if (string.IsNullOrWhiteSpace(text) && attachmentIds.Count == 0) throw new HubException("Type a message or attach a file.");
        if (string.IsNullOrWhiteSpace(request.ClientMessageId) || request.ClientMessageId.Length > 100)
            throw new HubException("'clientMessageId' is required (at most 100 characters): it makes resending safe.");
        if (request.Customer?.Validate() is { } invalid) throw new HubException(invalid);
        SlowDownUnlessAllowed(visitor);

        var ct = Context.ConnectionAborted;
        var attached = await files.ClaimAsync(visitor, attachmentIds, ct);
        var result = await inbound.ReceiveAsync(channel, new InboundMessage(
            visitor.ExternalId,
            Name: request.Customer?.Name?.Trim(),
            Language: request.Customer?.Language ?? state.Language,
            Text: text,
            ClientMessageId: request.ClientMessageId,
            Attachments: [.. attached.Select(f => f.ToAttachment())],
            Verified: visitor.IsVerified), ct);
        await files.AttachAsync(attached, result.ConversationId, ct);
        if (request.Customer is { } customer) await customer.ApplyAsync(db, visitor, ct);

        var message = result.Message ?? await db.Messages.AsNoTracking().FirstAsync(m => m.Id == result.MessageId, ct);
        return VisitorMessage.From(message, null);
    }

    /// <summary>A button of a system message: <c>more_questions:yes|no</c> or <c>rating:1</c> … <c>rating:5</c>.</summary>
    public async Task Press(string? payload)
    {
        var (channel, visitor) = await VisitorAsync(Joined());
        if (payload is not (ButtonPayloads.MoreQuestionsYes or ButtonPayloads.MoreQuestionsNo) && ButtonPayloads.ParseRating(payload ?? "") is null)
            throw new HubException("This button is not known.");
        SlowDownUnlessAllowed(visitor);
        await inbound.ReceiveAsync(channel, new InboundMessage(visitor.ExternalId, ButtonPayload: payload, Verified: visitor.IsVerified), Context.ConnectionAborted);
    }

    /// <summary>Shown to the team live; ignored while the visitor has no open conversation.</summary>
    public async Task Typing(bool isTyping)
    {
        var state = Joined();
        if (state.Visitor is not { } visitor) return;
        var conversation = await VisitorHistory.OpenConversationAsync(db, visitor, Context.ConnectionAborted);
        if (conversation is null) return;
        var client = await db.Clients.AsNoTracking().Where(c => c.Id == conversation.ClientId).Select(c => new { c.Name, c.PhotoUrl }).FirstAsync();
        bus.Publish(new TypingChanged(conversation.CompanyId, ConversationItem.From(conversation, client.Name, client.PhotoUrl), client.Name ?? "Visitor", null, isTyping));
    }

    /// <summary>Older messages, before the given time (the oldest one the visitor has).</summary>
    public async Task<IReadOnlyList<VisitorMessage>> History(DateTime before)
    {
        var (_, visitor) = await VisitorAsync(Joined());
        return (await VisitorHistory.LoadAsync(db, visitor, before, Context.ConnectionAborted)).Messages;
    }

    private async Task<VisitorSession> SessionAsync(Channel channel, WidgetSettings settings, Visitor? visitor)
    {
        var config = WidgetPublicConfig.From(channel, settings);
        if (visitor is null) return new VisitorSession(null, null, false, true, config, [], false);
        await Groups.AddToGroupAsync(Context.ConnectionId, visitor.Group, Context.ConnectionAborted);
        var (messages, seen) = await VisitorHistory.LoadAsync(db, visitor, null, Context.ConnectionAborted);
        return new VisitorSession(tokens.Issue(visitor), visitor.ExternalId, visitor.IsVerified, false, config, messages, seen);
    }

    private State? CurrentState() => Context.Items.TryGetValue(StateKey, out var value) ? value as State : null;

    private State Joined() => CurrentState() ?? throw new HubException("Call Join first.");

    /// <summary>
    /// The channel as it is now: disabling it or narrowing its origins takes effect on the next action (in another
    /// node, within <see cref="ChannelCache.Lifetime"/>).
    /// </summary>
    private async Task<ChannelCache.Enabled> ChannelAsync(State state)
    {
        var enabled = await channels.EnabledAsync(db, state.ChannelId, Context.ConnectionAborted)
            ?? throw new HubException("This chat widget is not available.");
        if (!origins.IsAllowed(Context.GetHttpContext(), enabled.Widget, state.HostOrigin)) throw new HubException(WidgetOrigins.Refused);
        return enabled;
    }

    private async Task<(Channel Channel, Visitor Visitor)> VisitorAsync(State state)
    {
        var (channel, widget) = await ChannelAsync(state);
        var visitor = state.Visitor ?? throw new HubException("This chat is for signed-in users only: the site has to identify you first.");
        if (!visitor.IsVerified && widget.RequireVerification)
            throw new HubException("This chat is for signed-in users only: the site has to identify you first.");
        return (channel, visitor);
    }

    private void SlowDownUnlessAllowed(Visitor visitor)
    {
        if (!limits.TryAcquire(visitor.Group, Context.GetHttpContext()?.Connection.RemoteIpAddress)) throw new HubException(WidgetRateLimits.SlowDown);
    }
}
