using Microsoft.EntityFrameworkCore;
using Parley.Data;
using Parley.Data.Outbox;
using Parley.Domain.Clients;
using Parley.Domain.Companies;
using Parley.Domain.Conversations;
using Parley.Domain.Messages;
using Parley.Domain.SystemMessages;
using Parley.Domain.Team;
using Parley.Server.Channels;
using Parley.Server.Realtime;

namespace Parley.Server.Conversations;

/// <summary>
/// One change to one conversation: the conversation, its client and company, the messages and history lines it adds,
/// committed in one SaveChanges and announced on the bus only after the commit.
/// </summary>
public sealed class ConversationUnit(ParleyDbContext db, Company company, Client client, Conversation conversation, ChannelSenders senders, DateTime now)
{
    private readonly List<Message> _added = [];
    private readonly List<Func<ConversationItem, ParleyEvent>> _events = [];

    public Company Company => company;

    public Client Client => client;

    public Conversation Conversation => conversation;

    public DateTime Now => now;

    /// <summary>For a team message with a client message id: the message already sent under that id here (a resend).</summary>
    public Guid? SentBefore { get; init; }

    public IReadOnlyList<Message> AddedMessages => _added;

    /// <summary>Records the transition's history lines and sends its system messages.</summary>
    public async Task ApplyAsync(Transition transition, Actor actor, string? managerName = null)
    {
        foreach (var (kind, details) in transition.History) AddHistory(kind, actor, details);
        if (transition.SystemMessages.Count == 0) return;

        var templates = await db.SystemMessageTemplates.AsNoTracking().Where(t => t.CompanyId == company.Id).ToListAsync();
        var composer = new SystemMessageComposer(templates, company.Settings.MainLanguage);
        var values = new TemplateValues(client.Name, managerName, company.Name);
        foreach (var kind in transition.SystemMessages)
        {
            var composed = composer.Compose(kind, client.Language ?? conversation.Language, values);
            if (composed is null) continue;
            var message = NewMessage(AuthorKind.System, composed.Text);
            message.SystemKind = kind;
            message.Buttons = [.. composed.Buttons];
            AddTeamMessage(message);
        }
    }

    public void AddHistory(string kind, Actor actor, string? details = null) =>
        db.ConversationEvents.Add(new ConversationEvent
        {
            CompanyId = company.Id,
            ConversationId = conversation.Id,
            Kind = kind,
            ActorKind = actor.Kind,
            ActorMemberId = actor.MemberId,
            ActorName = actor.Name,
            Details = details,
            CreatedAt = now,
        });

    /// <summary>Messages added in one unit get strictly increasing times, so their order never depends on id randomness.</summary>
    public Message NewMessage(AuthorKind author, string text) => new()
    {
        CompanyId = company.Id,
        ConversationId = conversation.Id,
        AuthorKind = author,
        Text = text,
        CreatedAt = now.AddTicks(_added.Count + _pendingStamps++),
    };

    private int _pendingStamps;

    /// <summary>A client message: counts as unread, may clear "awaiting answer".</summary>
    public Transition AddClientMessage(Message message)
    {
        var t = ConversationLifecycle.ClientWrote(conversation, Preview(message), now);
        Add(message);
        return t;
    }

    /// <summary>A manager, system or AI message (or a private note); those for the client are queued for the channel.</summary>
    public void AddTeamMessage(Message message)
    {
        if (message.GoesToClient)
        {
            ConversationLifecycle.TeamWrote(conversation, Preview(message), message.AuthorKind, now);
            if (senders.HasSender(conversation.ChannelType))
            {
                message.DeliveryStatus = DeliveryStatus.Queued;
                Enqueue(message, OutboxKind.Send);
            }
            else
            {
                message.DeliveryStatus = DeliveryStatus.Sent;
            }
        }

        Add(message);
    }

    /// <summary>Queues an edit or delete of an already sent message for the channel, when it has a sender.</summary>
    public void Enqueue(Message message, OutboxKind kind)
    {
        if (!message.GoesToClient || !senders.HasSender(conversation.ChannelType)) return;
        db.Outbox.Add(new OutboxDelivery
        {
            CompanyId = company.Id,
            ChannelId = conversation.ChannelId,
            ConversationId = conversation.Id,
            MessageId = message.Id,
            Kind = kind,
            Status = OutboxStatus.Pending,
            NextAttemptAt = now,
            CreatedAt = now,
        });
    }

    public void Announce(Func<ConversationItem, ParleyEvent> e) => _events.Add(e);

    public void AnnounceChange(string change, Guid? previousAssigneeId = null) =>
        Announce(item => new ConversationChanged(company.Id, item, change, previousAssigneeId, _wasUnassignedNew && !(item.Folder == Folder.New && item.AssigneeId is null)));

    private readonly bool _wasUnassignedNew = conversation.Folder == Folder.New && conversation.AssigneeId is null;

    /// <summary>Commits everything; a concurrent writer of the same conversation makes this throw <see cref="DbUpdateConcurrencyException"/>.</summary>
    public async Task<ConversationItem> CommitAsync(IEventBus bus, CancellationToken cancellationToken)
    {
        conversation.Version++;
        await db.SaveChangesAsync(cancellationToken);
        var item = ConversationItem.From(conversation, client.Name, client.PhotoUrl);
        foreach (var message in _added) bus.Publish(new MessageAdded(company.Id, item, MessageDto.From(message, withAudit: true)));
        foreach (var e in _events) bus.Publish(e(item));
        return item;
    }

    private void Add(Message message)
    {
        db.Messages.Add(message);
        _added.Add(message);
    }

    private static string Preview(Message message) =>
        message.Text.Length > 0 ? message.Text : string.Join(", ", message.Attachments.Select(a => a.FileName));
}
