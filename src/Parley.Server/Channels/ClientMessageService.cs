using Microsoft.EntityFrameworkCore;
using Parley.Data;
using Parley.Domain.Channels;
using Parley.Domain.Clients;
using Parley.Domain.Common;
using Parley.Domain.Companies;
using Parley.Domain.Conversations;
using Parley.Domain.Messages;
using Parley.Domain.SystemMessages;
using Parley.Domain.Team;
using Parley.Server.Conversations;
using Parley.Server.Infrastructure;
using Parley.Server.Realtime;

namespace Parley.Server.Channels;

/// <summary>What any channel hands over when a client writes or presses a button.</summary>
public sealed record InboundMessage(
    string ExternalClientId,
    string? Name = null,
    string? Username = null,
    string? Language = null,
    string? PhotoUrl = null,
    string? Text = null,
    string? ClientMessageId = null,
    string? ChannelMessageId = null,
    IReadOnlyList<Attachment>? Attachments = null,
    string? ButtonPayload = null,
    bool Verified = false);

/// <summary>What became of an inbound message; <paramref name="Message"/> is the stored message when this call added it.</summary>
public sealed record InboundResult(Guid ConversationId, Guid? MessageId, bool Duplicate, Message? Message = null);

/// <summary>
/// The client side of the one path (PRODUCT.md rule 1): find or create the client, append to the open conversation
/// or start a new one, handle button answers. Every channel adapter calls this.
/// </summary>
public sealed class ClientMessageService(ParleyDbContext db, IEventBus bus, ChannelSenders senders, WriterQueues writers, TimeProvider time)
{
    private const int MaxAttempts = 5;

    public async Task<InboundResult> ReceiveAsync(Channel channel, InboundMessage inbound, CancellationToken ct = default)
    {
        using var turn = await writers.EnterAsync(channel.Id, inbound.ExternalClientId, ct);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await ReceiveOnceAsync(channel, inbound, ct);
            }
            catch (DbUpdateException) when (attempt < MaxAttempts)
            {
                // A concurrent request for the same client won a race (same conversation, same identity or same
                // client message id); start again from what is committed now.
                db.ChangeTracker.Clear();
            }
        }
    }

    private async Task<InboundResult> ReceiveOnceAsync(Channel channel, InboundMessage inbound, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var (company, client, duplicateId, conversation) = await FindOrCreateClientAsync(channel, inbound, now, ct);

        if (duplicateId is { } already)
        {
            var conversationId = await db.Messages.Where(m => m.Id == already).Select(m => m.ConversationId).FirstAsync(ct);
            return new InboundResult(conversationId, already, true);
        }

        if (inbound.ButtonPayload is { } payload) return await PressButtonAsync(company, client, channel, payload, now, ct);

        if (client.IsBlocked) return await KeepHiddenAsync(company, client, channel, conversation, inbound, now, ct);

        var isNew = conversation is null;
        conversation ??= NewConversation(company, client, channel, inbound);
        var unit = new ConversationUnit(db, company, client, conversation, senders, now);
        var message = ClientMessage(unit, inbound);
        if (isNew)
        {
            db.Conversations.Add(conversation);
            var start = ConversationLifecycle.Start(conversation, company.Settings, TimeZones.Find(company.TimeZone), now);
            unit.AddClientMessage(message);
            await unit.ApplyAsync(start, Actor.Client(client.Name));
            unit.AnnounceChange(Changes.Created);
        }
        else
        {
            var wrote = unit.AddClientMessage(message);
            await unit.ApplyAsync(wrote, Actor.Client(client.Name));
            if (wrote.AlertAssignee) unit.Announce(item => new AssigneeAlerted(company.Id, item, "client_wrote"));
        }

        await unit.CommitAsync(bus, ct);
        return new InboundResult(conversation.Id, message.Id, false, message);
    }

    /// <summary>Yes / No on "more questions?" and 1–5 ratings, whatever the channel.</summary>
    private async Task<InboundResult> PressButtonAsync(Company company, Client client, Channel channel, string payload, DateTime now, CancellationToken ct)
    {
        var conversation = await NewestOnChannel(client, channel).Include(c => c.Topics).FirstOrDefaultAsync(ct)
            ?? throw new RuleViolationException(Decision.Invalid(RefusalCodes.NoConversationToAnswer, "This client has no conversation to answer in."));
        var unit = new ConversationUnit(db, company, client, conversation, senders, now);
        var actor = Actor.Client(client.Name);

        if (ButtonPayloads.ParseRating(payload) is { } stars)
        {
            await unit.ApplyAsync(ConversationLifecycle.Rate(conversation, stars, now), actor);
            unit.AnnounceChange(Changes.Updated);
        }
        else if (payload is ButtonPayloads.MoreQuestionsYes or ButtonPayloads.MoreQuestionsNo)
        {
            var t = ConversationLifecycle.AnswerMoreQuestions(conversation, payload == ButtonPayloads.MoreQuestionsYes, company.Settings, now);
            await unit.ApplyAsync(t, actor);
            unit.AnnounceChange(t.Archived ? Changes.Archived : Changes.Updated);
            if (t.AlertAssignee) unit.Announce(item => new AssigneeAlerted(company.Id, item, "more_questions"));
        }
        else
        {
            throw new RuleViolationException(Decision.Invalid(RefusalCodes.UnknownButton, $"Unknown button payload '{payload}'.", ("payload", payload)));
        }

        await unit.CommitAsync(bus, ct);
        return new InboundResult(conversation.Id, null, false);
    }

    /// <summary>The client's conversations on the channel, the newest first: a button answers the newest one.</summary>
    private IQueryable<Conversation> NewestOnChannel(Client client, Channel channel) =>
        db.Conversations.Where(c => c.ClientId == client.Id && c.ChannelId == channel.Id).OrderByDescending(c => c.CreatedAt);

    /// <summary>A blocked client's message is kept, hidden, and announced to nobody.</summary>
    private async Task<InboundResult> KeepHiddenAsync(Company company, Client client, Channel channel, Conversation? open, InboundMessage inbound, DateTime now, CancellationToken ct)
    {
        var conversation = open ?? await NewestOnChannel(client, channel).FirstOrDefaultAsync(ct);
        if (conversation is null)
        {
            conversation = NewConversation(company, client, channel, inbound);
            conversation.Folder = Folder.Archived;
            conversation.ArchiveReason = ArchiveReason.Blocked;
            conversation.CreatedAt = conversation.LastMessageAt = now;
            conversation.ArchivedAt = now;
            db.Conversations.Add(conversation);
        }

        var unit = new ConversationUnit(db, company, client, conversation, senders, now);
        var message = ClientMessage(unit, inbound);
        message.IsHiddenBlocked = true;
        db.Messages.Add(message);
        await db.SaveChangesAsync(ct);
        return new InboundResult(conversation.Id, message.Id, false);
    }

    /// <summary>
    /// The client by its address on the channel, read with its company, its conversation on the channel that is not
    /// archived and — when the message carries the client's own id — the id of a message already stored under it (a
    /// resend), in one query: the common case is one round trip before the write.
    /// </summary>
    private async Task<(Company, Client, Guid? DuplicateId, Conversation? Open)> FindOrCreateClientAsync(
        Channel channel, InboundMessage inbound, DateTime now, CancellationToken ct)
    {
        var found = await Known.For(db)(db, channel.Id, inbound.ExternalClientId, inbound.ClientMessageId, ct);
        if (found is { Client: var client })
        {
            // Channels tell us more over time (a name typed later, a language); never overwrite what a manager typed.
            client.Name ??= inbound.Name;
            client.Username ??= inbound.Username;
            client.PhotoUrl ??= inbound.PhotoUrl;
            client.Language ??= Languages.Normalize(inbound.Language);
            client.IsVerified |= inbound.Verified;
            return (found.Company, client, found.DuplicateId, found.Open);
        }

        var company = await db.Companies.AsNoTracking().FirstAsync(c => c.Id == channel.CompanyId, ct);

        var created = new Client
        {
            CompanyId = channel.CompanyId,
            Name = inbound.Name,
            Username = inbound.Username,
            PhotoUrl = inbound.PhotoUrl,
            Language = Languages.Normalize(inbound.Language),
            IsVerified = inbound.Verified,
            CreatedAt = now,
        };
        created.Identities.Add(new ClientIdentity
        {
            ClientId = created.Id,
            ChannelId = channel.Id,
            ExternalId = inbound.ExternalClientId,
            Username = inbound.Username,
            CreatedAt = now,
        });
        db.Clients.Add(created);
        return (company, created, null, null);
    }

    private sealed record KnownClient(Client Client, Company Company, Guid? DuplicateId, Conversation? Open);

    // The reads of every inbound message, compiled once and sent as one statement. From the identity's index to the
    // client and its company: written as a filter on Clients (EXISTS), SQLite read every client of every company and
    // checked each one. With a client message id, the message this client already sent under it, if any (a resend); EF
    // plans the two cases apart. The open conversation is a left join on the client's conversations on this channel
    // (index ClientId, ChannelId), newest first; its topics are not read: nothing on a client's message uses them. The
    // company is read untracked (ConversationUnits.ReadOnlyCompany).
    private static readonly CompiledQuery<Func<ParleyDbContext, Guid, string, string?, CancellationToken, Task<KnownClient?>>> Known = new(() => EF.CompileAsyncQuery(
        (ParleyDbContext db, Guid channelId, string externalId, string? cmid, CancellationToken ct) => (
            from i in db.ClientIdentities
            where i.ChannelId == channelId && i.ExternalId == externalId
            join c in db.Clients on i.ClientId equals c.Id
            join company in db.Companies.Select(ConversationUnits.ReadOnlyCompany) on c.CompanyId equals company.Id
            from open in db.Conversations.Where(x => x.ClientId == c.Id && x.ChannelId == channelId && x.Folder != Folder.Archived).DefaultIfEmpty()
            orderby open!.CreatedAt descending
            select new KnownClient(c, company, cmid == null ? null : db.Messages
                .Where(m => m.CompanyId == company.Id && m.ClientMessageId == cmid && m.AuthorKind == AuthorKind.Client
                    && db.Conversations.Any(x => x.Id == m.ConversationId && x.ClientId == c.Id && x.ChannelId == channelId))
                .Select(m => (Guid?)m.Id)
                .FirstOrDefault(), open))
            .FirstOrDefault()));

    private static Conversation NewConversation(Company company, Client client, Channel channel, InboundMessage inbound) => new()
    {
        CompanyId = company.Id,
        ClientId = client.Id,
        ChannelId = channel.Id,
        ChannelType = channel.Type,
        Language = client.Language ?? Languages.Normalize(inbound.Language),
    };

    private static Message ClientMessage(ConversationUnit unit, InboundMessage inbound)
    {
        var message = unit.NewMessage(AuthorKind.Client, inbound.Text ?? "");
        message.ClientMessageId = inbound.ClientMessageId;
        message.ChannelMessageId = inbound.ChannelMessageId;
        message.Attachments = [.. inbound.Attachments ?? []];
        return message;
    }
}
