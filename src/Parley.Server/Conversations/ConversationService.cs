using Microsoft.EntityFrameworkCore;
using Parley.Data;
using Parley.Data.Outbox;
using Parley.Domain.Clients;
using Parley.Domain.Common;
using Parley.Domain.Companies;
using Parley.Domain.Conversations;
using Parley.Domain.Messages;
using Parley.Domain.Team;
using Parley.Server.Channels;
using Parley.Server.Channels.Widget;
using Parley.Server.Infrastructure;
using Parley.Server.Realtime;

namespace Parley.Server.Conversations;

/// <summary>
/// Every team action on a conversation — accept, send, finish, transfer, reopen, edit, delete, topics, read —
/// as the one path that the REST API, the team hub, the console and the channel adapters call.
/// </summary>
public sealed class ConversationService(ParleyDbContext db, IEventBus bus, ChannelSenders senders, WidgetFiles files, WriterQueues writers, TimeProvider time)
{
    private const int MaxAttempts = 5;

    public Task<ConversationItem> AcceptAsync(TeamMember member, Guid conversationId, CancellationToken ct = default) =>
        RunAsync(member, conversationId, async unit =>
        {
            var c = unit.Conversation;
            var acceptedBy = c.AssigneeId is { } id && c.Folder == Folder.Active ? await MemberNameAsync(id, ct) : null;
            Ensure(Permissions.CanAccept(member, c, acceptedBy));
            var transition = ConversationLifecycle.Accept(c, member, unit.Company.Settings, unit.Now);
            unit.Client.ManagerId = member.Id;
            await unit.ApplyAsync(transition, Actor.Member(member), member.Name);
            unit.AnnounceChange(Changes.Accepted);
        }, ct, conflictWhenTaken: true);

    public async Task<MessageDto> SendAsync(TeamMember member, Guid conversationId, SendMessage request, CancellationToken ct = default)
    {
        MessageDto? result = null;
        await RunAsync(member, conversationId, async unit =>
        {
            var c = unit.Conversation;
            if (unit.SentBefore is { } sentId)
            {
                var existing = await db.Messages.AsNoTracking().Include(m => m.Edits).FirstAsync(m => m.Id == sentId, ct);
                result = MessageDto.From(existing, Permissions.CanSeeAudit(member));
                return;
            }

            Ensure(request.IsPrivateNote ? Permissions.CanWriteNote(member, c) : Permissions.CanWrite(member, c));
            var text = request.QuickReplyId is { } replyId ? await QuickReplyTextAsync(member, unit, replyId, ct) : request.Text;
            var attached = await files.ClaimAsync(member, c.Id, request.AttachmentIds ?? [], ct);
            if (string.IsNullOrWhiteSpace(text) && attached.Count == 0) throw new RuleViolationException(Decision.Invalid(RefusalCodes.MessageEmpty, "Type a message or attach a file."));
            var message = unit.NewMessage(AuthorKind.Manager, text);
            message.AuthorMemberId = member.Id;
            message.IsPrivateNote = request.IsPrivateNote;
            message.ClientMessageId = request.ClientMessageId;
            message.Attachments = [.. attached.Select(f => f.ToAttachment())];
            // Before the commit announces the message: whoever is shown it may open its files at once.
            await files.AttachAsync(attached, c.Id, c.ChannelId, request.IsPrivateNote, ct);
            unit.AddTeamMessage(message);
            if (!request.IsPrivateNote) c.UnreadCount = 0;
            result = MessageDto.From(message, true);
        }, ct, sentUnder: request.ClientMessageId);
        return result!;
    }

    public Task<ConversationItem> FinishAsync(TeamMember member, Guid conversationId, CancellationToken ct = default) =>
        RunAsync(member, conversationId, async unit =>
        {
            Ensure(Permissions.CanWrite(member, unit.Conversation));
            var transition = ConversationLifecycle.Finish(unit.Conversation, unit.Company.Settings, unit.Now);
            await unit.ApplyAsync(transition, Actor.Member(member), member.Name);
            unit.AnnounceChange(transition.Archived ? Changes.Archived : Changes.Updated);
        }, ct);

    public Task<ConversationItem> TransferAsync(TeamMember member, Guid conversationId, Guid toMemberId, CancellationToken ct = default) =>
        RunAsync(member, conversationId, async unit =>
        {
            var c = unit.Conversation;
            Ensure(Permissions.CanTransfer(member, c, unit.Company.Settings));
            var to = await db.TeamMembers.FirstOrDefaultAsync(m => m.Id == toMemberId && m.CompanyId == member.CompanyId, ct)
                ?? throw new RuleViolationException(Decision.Invalid(RefusalCodes.ChosenManagerNotFound, "The chosen manager was not found in this company."));
            var from = c.AssigneeId is { } fromId ? await db.TeamMembers.FirstAsync(m => m.Id == fromId, ct) : member;
            var previous = c.AssigneeId;
            var transition = ConversationLifecycle.Transfer(c, from, to, unit.Company.Settings, unit.Now);
            unit.Client.ManagerId = to.Id;
            await unit.ApplyAsync(transition, Actor.Member(member), to.Name);
            unit.AnnounceChange(Changes.Transferred, previous);
        }, ct);

    public Task<ConversationItem> ReopenAsync(TeamMember member, Guid conversationId, CancellationToken ct = default) =>
        RunAsync(member, conversationId, async unit =>
        {
            Ensure(Permissions.CanReopen(member, unit.Conversation));
            await unit.ApplyAsync(ConversationLifecycle.Reopen(unit.Conversation, member, unit.Now), Actor.Member(member));
            unit.AnnounceChange(Changes.Reopened);
        }, ct);

    public Task<ConversationItem> SetTopicsAsync(TeamMember member, Guid conversationId, IReadOnlyCollection<Guid> topicIds, CancellationToken ct = default) =>
        RunAsync(member, conversationId, async unit =>
        {
            if (!unit.Company.Settings.ShowTopics)
                throw new RuleViolationException(Decision.Forbidden(RefusalCodes.TopicsTurnedOff, "Dialog topics are turned off in this company's settings."));
            var known = await db.Topics.Where(t => t.CompanyId == member.CompanyId && topicIds.Contains(t.Id)).Select(t => t.Id).ToListAsync(ct);
            if (known.Count != topicIds.Distinct().Count())
                throw new RuleViolationException(Decision.Invalid(RefusalCodes.UnknownTopics, "One or more topics do not exist in this company."));
            var c = unit.Conversation;
            c.Topics.RemoveAll(t => !known.Contains(t.TopicId));
            foreach (var id in known.Where(id => c.Topics.All(t => t.TopicId != id)))
                c.Topics.Add(new ConversationTopic { ConversationId = c.Id, TopicId = id });
            unit.AddHistory(HistoryKinds.TopicsChanged, Actor.Member(member), string.Join(",", known));
            unit.AnnounceChange(Changes.Updated);
        }, ct);

    public Task<ConversationItem> MarkReadAsync(TeamMember member, Guid conversationId, CancellationToken ct = default) =>
        RunAsync(member, conversationId, unit =>
        {
            unit.Conversation.UnreadCount = 0;
            unit.AnnounceChange(Changes.Read);
            return Task.CompletedTask;
        }, ct);

    public async Task<MessageDto> EditMessageAsync(TeamMember member, Guid messageId, string text, CancellationToken ct = default)
    {
        MessageDto? result = null;
        var conversationId = await ConversationOfMessageAsync(member, messageId, ct);
        await RunAsync(member, conversationId, async unit =>
        {
            var message = await db.Messages.Include(m => m.Edits).FirstAsync(m => m.Id == messageId, ct);
            Ensure(Permissions.CanEdit(member, message, unit.Company.Settings));
            EnsureChannelAllows(unit, message, edit: true);
            if (message.Text == text)
            {
                result = MessageDto.From(message, Permissions.CanSeeAudit(member));
                return;
            }

            message.Edits.Add(new MessageEdit { MessageId = message.Id, PreviousText = message.Text, EditedById = member.Id, EditedAt = unit.Now });
            message.Text = text;
            message.EditedAt = unit.Now;
            unit.Enqueue(message, OutboxKind.Edit);
            unit.AddHistory(HistoryKinds.MessageEdited, Actor.Member(member), message.Id.ToString());
            result = MessageDto.From(message, true);
            unit.Announce(item => new MessageChanged(member.CompanyId, item, MessageDto.From(message, true), Changes.Edited));
        }, ct);
        return result!;
    }

    public async Task DeleteMessageAsync(TeamMember member, Guid messageId, CancellationToken ct = default)
    {
        var conversationId = await ConversationOfMessageAsync(member, messageId, ct);
        await RunAsync(member, conversationId, async unit =>
        {
            var message = await db.Messages.Include(m => m.Edits).FirstAsync(m => m.Id == messageId, ct);
            Ensure(Permissions.CanDelete(member, message, unit.Company.Settings));
            EnsureChannelAllows(unit, message, edit: false);
            message.DeletedAt = unit.Now;
            message.DeletedById = member.Id;
            unit.Enqueue(message, OutboxKind.Delete);
            unit.AddHistory(HistoryKinds.MessageDeleted, Actor.Member(member), message.Id.ToString());
            unit.Announce(item => new MessageChanged(member.CompanyId, item, MessageDto.From(message, true), Changes.Deleted));
        }, ct);
    }

    /// <summary>Rule 6, for the sweeper: archives the conversation if it is still inactive now; false when it no longer is (or another node did it).</summary>
    public async Task<bool> ArchiveIfInactiveAsync(Guid companyId, Guid conversationId, CancellationToken ct = default)
    {
        var unit = await ConversationUnits.LoadAsync(db, senders, companyId, conversationId, time, ct);
        if (unit is null || !ConversationLifecycle.IsInactive(unit.Conversation, unit.Company.Settings, unit.Now)) return false;
        var manager = unit.Conversation.AssigneeId is { } id ? await MemberNameAsync(id, ct) : null;
        await unit.ApplyAsync(ConversationLifecycle.Archive(unit.Conversation, ArchiveReason.Inactivity, unit.Company.Settings, unit.Now), Actor.System, manager);
        unit.AnnounceChange(Changes.Archived);
        try
        {
            await unit.CommitAsync(bus, ct);
            return true;
        }
        catch (DbUpdateConcurrencyException)
        {
            // Another sweeper archived it, or the client wrote in the meantime: either way, nothing to do here.
            db.ChangeTracker.Clear();
            return false;
        }
    }

    public async Task<ConversationItem> VisibleItemAsync(TeamMember member, Guid conversationId, CancellationToken ct = default)
    {
        var c = await ConversationsApi.VisibleAsync(db, member, conversationId, ct);
        var client = await db.Clients.AsNoTracking().Where(x => x.Id == c.ClientId).Select(x => new { x.Name, x.PhotoUrl }).FirstAsync(ct);
        return ConversationItem.From(c, client.Name, client.PhotoUrl);
    }

    /// <summary>Loads the conversation as the member sees it (404 otherwise), runs the action, commits; retries when a concurrent writer won.</summary>
    /// <remarks>
    /// <paramref name="conflictWhenTaken"/>: when another manager took the conversation out of the member's sight by
    /// accepting it (just now, or in a race), answer with the action's own conflict ("already accepted by …"), not 404.
    /// <paramref name="sentUnder"/>: a team message's client message id, looked up with the conversation (a resend).
    /// </remarks>
    private async Task<ConversationItem> RunAsync(
        TeamMember member, Guid conversationId, Func<ConversationUnit, Task> action, CancellationToken ct, bool conflictWhenTaken = false,
        string? sentUnder = null)
    {
        using var turn = await writers.EnterAsync(conversationId, ct);
        for (var attempt = 1; ; attempt++)
        {
            var unit = await ConversationUnits.LoadAsync(db, senders, member.CompanyId, conversationId, time, ct, sentUnder);
            if (unit is null || (!Permissions.CanSee(member, unit.Conversation) && !(conflictWhenTaken && unit.Conversation.Folder != Folder.New)))
                throw new RuleViolationException(Decision.NotFound(RefusalCodes.ConversationNotFound, "Conversation not found."));
            await action(unit);
            try
            {
                return await unit.CommitAsync(bus, ct);
            }
            catch (DbUpdateConcurrencyException) when (attempt < MaxAttempts)
            {
                db.ChangeTracker.Clear();
            }
        }
    }

    /// <summary>The quick reply as it would be sent in this conversation, for the console's composer to insert and edit.</summary>
    public async Task<string> QuickReplyPreviewAsync(TeamMember member, Guid conversationId, Guid replyId, CancellationToken ct = default)
    {
        var unit = await ConversationUnits.LoadAsync(db, senders, member.CompanyId, conversationId, time, ct);
        if (unit is null || !Permissions.CanSee(member, unit.Conversation)) throw new RuleViolationException(Decision.NotFound(RefusalCodes.ConversationNotFound, "Conversation not found."));
        return await QuickReplyTextAsync(member, unit, replyId, ct);
    }

    /// <summary>The quick reply's variant in the client's language, placeholders filled.</summary>
    private async Task<string> QuickReplyTextAsync(TeamMember member, ConversationUnit unit, Guid replyId, CancellationToken ct)
    {
        var reply = await db.QuickReplies.AsNoTracking()
            .FirstOrDefaultAsync(r => r.Id == replyId && r.CompanyId == member.CompanyId && (r.OwnerId == null || r.OwnerId == member.Id), ct)
            ?? throw new RuleViolationException(Decision.Invalid(RefusalCodes.QuickReplyNotFound, "The quick reply does not exist."));
        var language = unit.Client.Language ?? unit.Conversation.Language;
        var template = reply.PickText(language, unit.Company.Settings.MainLanguage);
        return Parley.Domain.SystemMessages.Placeholders.Fill(template, new(unit.Client.Name, member.Name, unit.Company.Name), language ?? unit.Company.Settings.MainLanguage);
    }

    private async Task<Guid> ConversationOfMessageAsync(TeamMember member, Guid messageId, CancellationToken ct) =>
        await db.Messages.Where(m => m.Id == messageId && m.CompanyId == member.CompanyId).Select(m => (Guid?)m.ConversationId).FirstOrDefaultAsync(ct)
        ?? throw new RuleViolationException(Decision.NotFound(RefusalCodes.MessageNotFound, "Message not found."));

    private Task<string?> MemberNameAsync(Guid id, CancellationToken ct) =>
        db.TeamMembers.Where(m => m.Id == id).Select(m => m.Name).FirstOrDefaultAsync(ct);

    private static void EnsureChannelAllows(ConversationUnit unit, Message message, bool edit)
    {
        if (!message.GoesToClient) return;
        var caps = Parley.Domain.Channels.ChannelCapabilities.For(unit.Conversation.ChannelType);
        var verb = edit ? "edit" : "delete";
        (string, object) channel = ("channel", unit.Conversation.ChannelType.ToString());
        if (edit ? !caps.CanEdit : !caps.CanDelete)
        {
            throw new RuleViolationException(Decision.Forbidden(edit ? RefusalCodes.ChannelCannotEdit : RefusalCodes.ChannelCannotDelete,
                $"{unit.Conversation.ChannelType} does not let a sent message be {verb}ed; the client keeps the original.", channel));
        }

        if (caps.EditWindow is { } window && unit.Now - message.CreatedAt > window)
        {
            throw new RuleViolationException(Decision.Forbidden(edit ? RefusalCodes.EditWindowPassed : RefusalCodes.DeleteWindowPassed,
                $"{unit.Conversation.ChannelType} allows this only within {window.TotalHours:0} hours of sending.", channel, ("hours", (int)window.TotalHours)));
        }
    }

    internal static void Ensure(Decision decision)
    {
        if (!decision.Allowed) throw new RuleViolationException(decision);
    }
}

/// <summary>A team message; its files are uploads (<c>POST /api/v1/files</c>) named by id, never URLs from the caller.</summary>
public sealed record SendMessage(
    string Text, string? ClientMessageId = null, bool IsPrivateNote = false, IReadOnlyList<Guid>? AttachmentIds = null, Guid? QuickReplyId = null);

internal static class ConversationUnits
{
    public static async Task<ConversationUnit?> LoadAsync(
        ParleyDbContext db, ChannelSenders senders, Guid companyId, Guid conversationId, TimeProvider time, CancellationToken ct, string? sentUnder = null)
    {
        var loaded = await Load.For(db)(db, conversationId, companyId, sentUnder, ct);
        return loaded is null
            ? null
            : new ConversationUnit(db, loaded.Company, loaded.Client, loaded.Conversation, senders, time.GetUtcNow().UtcDateTime) { SentBefore = loaded.SentBefore };
    }

    private sealed record Loaded(Conversation Conversation, Client Client, Company Company, Guid? SentBefore);

    /// <summary>
    /// The company as every message reads it (a team action here, a client's message in <c>ClientMessageService</c>): only
    /// read, so built from its columns instead of tracked. A tracked company had its settings' JSON copied for a snapshot
    /// when read and serialized twice more to compare at the save, though nothing on a message's path changes it.
    /// </summary>
    public static readonly System.Linq.Expressions.Expression<Func<Company, Company>> ReadOnlyCompany = company => new Company
    {
        Id = company.Id, Name = company.Name, TimeZone = company.TimeZone, Settings = company.Settings, CreatedAt = company.CreatedAt,
    };

    // The reads of every team action, compiled once and sent as one statement (they were four round trips: the
    // conversation with its topics, its client, the company, and for a team message the resend check). Topics are a
    // collection, so EF reads the conversation row first and joins its topics to it. With a client message id, the
    // team message already sent under it in this conversation (a resend); EF plans the two cases apart. The company is
    // read untracked (ReadOnlyCompany).
    private static readonly CompiledQuery<Func<ParleyDbContext, Guid, Guid, string?, CancellationToken, Task<Loaded?>>> Load = new(() => EF.CompileAsyncQuery(
        (ParleyDbContext db, Guid id, Guid companyId, string? cmid, CancellationToken ct) => (
            from c in db.Conversations.Include(c => c.Topics)
            where c.Id == id && c.CompanyId == companyId
            join client in db.Clients on c.ClientId equals client.Id
            join company in db.Companies.Select(ReadOnlyCompany) on c.CompanyId equals company.Id
            select new Loaded(c, client, company, cmid == null ? null : db.Messages
                .Where(m => m.ConversationId == c.Id && m.ClientMessageId == cmid)
                .Select(m => (Guid?)m.Id)
                .FirstOrDefault()))
            .FirstOrDefault()));
}
