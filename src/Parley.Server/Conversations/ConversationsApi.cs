using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Parley.Data;
using Parley.Domain.Channels;
using Parley.Domain.Common;
using Parley.Domain.Conversations;
using Parley.Domain.Team;
using Parley.Server.Channels.Widget;
using Parley.Server.Infrastructure;
using Parley.Server.Team;

namespace Parley.Server.Conversations;

public static class ConversationsApi
{
    public const int MaxTextLength = 10000;

    public static RouteGroupBuilder MapConversationsApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/conversations").WithTags("Conversations");
        group.MapGet("/", List).WithSummary("The inbox: one folder, every filter, folder counts, cursor paging.");
        group.MapGet("/counts", Counts).WithSummary("Folder counts of what the member can see.");
        group.MapGet("/{id:guid}", Get);
        group.MapGet("/{id:guid}/messages", Messages).WithSummary("Newest page first; items in chronological order; nextCursor pages back in time.");
        group.MapGet("/{id:guid}/history", History).WithSummary("Every transition: what, who, when.");
        group.MapPost("/{id:guid}/messages", Send).WithSummary("Send a message to the client, or a private note (isPrivateNote); quickReplyId sends that reply in the client's language; attachmentIds attach files uploaded to /api/v1/files (at most 5; then the text may be empty).");
        group.MapPost("/{id:guid}/accept", Accept);
        group.MapPost("/{id:guid}/finish", Finish);
        group.MapPost("/{id:guid}/transfer", Transfer).WithSummary("Change manager.");
        group.MapPost("/{id:guid}/reopen", Reopen);
        group.MapPost("/{id:guid}/read", MarkRead);
        group.MapPut("/{id:guid}/topics", SetTopics);
        api.MapPatch("/messages/{id:guid}", Edit).WithTags("Conversations");
        api.MapDelete("/messages/{id:guid}", Delete).WithTags("Conversations");
        return api;
    }

    private static async Task<IResult> List(
        HttpContext http, CurrentMember me, ConversationFinder finder,
        string? folder, string? platform, string? topic, string? period, DateTime? from, DateTime? to, string? manager, string? chats,
        string? tag, string? language, int? rating, string? q, Guid? clientId, string? cursor, int? limit, CancellationToken ct)
    {
        var v = new Validation();
        var filter = new ConversationFilter
        {
            Folder = ParseEnum<Folder>(v, "folder", folder),
            Platforms = ParseList(v, "platform", platform, s => Enum.TryParse<ChannelType>(s, true, out var t) && s != "ai" ? t : (ChannelType?)null, allow: "ai"),
            AiHandled = platform?.Split(',').Any(p => p.Trim().Equals("ai", StringComparison.OrdinalIgnoreCase)) == true ? true : null,
            TopicIds = ParseList(v, "topic", topic, s => Guid.TryParse(s, out var g) ? g : (Guid?)null),
            Period = period,
            From = from?.ToUniversalTime(),
            To = to?.ToUniversalTime(),
            ManagerIds = ParseList(v, "manager", manager, s => Guid.TryParse(s, out var g) ? g : (Guid?)null),
            Chats = chats,
            TagIds = ParseList(v, "tag", tag, s => Guid.TryParse(s, out var g) ? g : (Guid?)null),
            Language = Languages.Normalize(language),
            Rating = rating,
            Search = q,
            ClientId = clientId,
        };
        v.Check(period is null || ConversationFilter.Periods.Contains(period), "period", $"'period' must be one of {string.Join(", ", ConversationFilter.Periods)}.")
         .Check(period != "custom" || from is not null || to is not null, "period", "A custom period needs 'from' or 'to'.")
         .Check(chats is null || ConversationFilter.ChatsValues.Contains(chats), "chats", $"'chats' must be one of {string.Join(", ", ConversationFilter.ChatsValues)}.")
         .Check(rating is null or (>= 1 and <= 5), "rating", "'rating' must be from 1 to 5.")
         .Check(limit is null or (>= 1 and <= ConversationFinder.MaxPageSize), "limit", $"'limit' must be from 1 to {ConversationFinder.MaxPageSize}.")
         .MaxLength("q", q, 200);
        if (!v.IsValid) return v.Problem();

        var member = await me.GetAsync(http.User, ct);
        return TypedResults.Ok(await finder.ListAsync(member, filter, cursor, limit ?? 30, ct));
    }

    private static async Task<Ok<FolderCounts>> Counts(HttpContext http, CurrentMember me, ConversationFinder finder, CancellationToken ct) =>
        TypedResults.Ok(await finder.CountsAsync(await me.GetAsync(http.User, ct), ct));

    private static async Task<Ok<ConversationDetail>> Get(Guid id, HttpContext http, CurrentMember me, ConversationFinder finder, CancellationToken ct) =>
        TypedResults.Ok(await finder.DetailAsync(await me.GetAsync(http.User, ct), id, ct));

    private static async Task<IResult> Messages(Guid id, string? cursor, int? limit, HttpContext http, CurrentMember me, ConversationFinder finder, CancellationToken ct)
    {
        if (limit is < 1 or > 200) return new Validation().Add("limit", "'limit' must be from 1 to 200.").Problem();
        var page = await finder.MessagesAsync(await me.GetAsync(http.User, ct), id, cursor, limit ?? 50, ct);
        return TypedResults.Ok(new { items = page.Items, nextCursor = page.NextCursor });
    }

    private static async Task<Ok<List<HistoryEntryDto>>> History(Guid id, HttpContext http, CurrentMember me, ParleyDbContext db, CancellationToken ct)
    {
        var member = await me.GetAsync(http.User, ct);
        var c = await VisibleAsync(db, member, id, ct);
        var rows = await db.ConversationEvents.AsNoTracking().Where(e => e.ConversationId == c.Id)
            .OrderBy(e => e.CreatedAt).ThenBy(e => e.Id).ToListAsync(ct); // lines of one instant in the order they were made
        return TypedResults.Ok(rows.Select(e => new HistoryEntryDto(e.Kind, e.ActorKind.ToString().ToLowerInvariant(), e.ActorMemberId, e.ActorName, e.Details, e.CreatedAt)).ToList());
    }

    /// <param name="AttachmentIds">Files stored with <c>POST /api/v1/files</c> (at most 5); with them the text may be empty.</param>
    public sealed record SendRequest(string? Text, string? ClientMessageId, bool IsPrivateNote = false, Guid? QuickReplyId = null, IReadOnlyList<Guid>? AttachmentIds = null);

    private static async Task<IResult> Send(Guid id, SendRequest body, HttpContext http, CurrentMember me, ConversationService conversations, CancellationToken ct)
    {
        var attachmentIds = body.AttachmentIds ?? [];
        var v = body.QuickReplyId is null && attachmentIds.Count == 0 ? new Validation().Required("text", body.Text, MaxTextLength) : new Validation().MaxLength("text", body.Text, MaxTextLength);
        v.MaxLength("clientMessageId", body.ClientMessageId, 100)
         .Check(attachmentIds.Count <= WidgetFiles.MaxPerMessage, "attachmentIds", $"At most {WidgetFiles.MaxPerMessage} files per message.");
        if (!v.IsValid) return v.Problem();
        var member = await me.GetAsync(http.User, ct);
        var message = await conversations.SendAsync(member, id, new SendMessage(body.Text ?? "", body.ClientMessageId, body.IsPrivateNote, attachmentIds, body.QuickReplyId), ct);
        return TypedResults.Created($"/api/v1/conversations/{id}/messages/{message.Id}", message);
    }

    private static async Task<Ok<ConversationItem>> Accept(Guid id, HttpContext http, CurrentMember me, ConversationService conversations, CancellationToken ct) =>
        TypedResults.Ok(await conversations.AcceptAsync(await me.GetAsync(http.User, ct), id, ct));

    private static async Task<Ok<ConversationItem>> Finish(Guid id, HttpContext http, CurrentMember me, ConversationService conversations, CancellationToken ct) =>
        TypedResults.Ok(await conversations.FinishAsync(await me.GetAsync(http.User, ct), id, ct));

    public sealed record TransferRequest(Guid? ManagerId);

    private static async Task<IResult> Transfer(Guid id, TransferRequest body, HttpContext http, CurrentMember me, ConversationService conversations, CancellationToken ct)
    {
        if (body.ManagerId is not { } to) return new Validation().Add("managerId", "'managerId' is required.").Problem();
        return TypedResults.Ok(await conversations.TransferAsync(await me.GetAsync(http.User, ct), id, to, ct));
    }

    private static async Task<Ok<ConversationItem>> Reopen(Guid id, HttpContext http, CurrentMember me, ConversationService conversations, CancellationToken ct) =>
        TypedResults.Ok(await conversations.ReopenAsync(await me.GetAsync(http.User, ct), id, ct));

    private static async Task<Ok<ConversationItem>> MarkRead(Guid id, HttpContext http, CurrentMember me, ConversationService conversations, CancellationToken ct) =>
        TypedResults.Ok(await conversations.MarkReadAsync(await me.GetAsync(http.User, ct), id, ct));

    public sealed record TopicsRequest(List<Guid>? TopicIds);

    private static async Task<IResult> SetTopics(Guid id, TopicsRequest body, HttpContext http, CurrentMember me, ConversationService conversations, CancellationToken ct)
    {
        if (body.TopicIds is null) return new Validation().Add("topicIds", "'topicIds' is required (an empty list clears them).").Problem();
        return TypedResults.Ok(await conversations.SetTopicsAsync(await me.GetAsync(http.User, ct), id, body.TopicIds, ct));
    }

    public sealed record EditRequest(string? Text);

    private static async Task<IResult> Edit(Guid id, EditRequest body, HttpContext http, CurrentMember me, ConversationService conversations, CancellationToken ct)
    {
        var v = new Validation().Required("text", body.Text, MaxTextLength);
        if (!v.IsValid) return v.Problem();
        return TypedResults.Ok(await conversations.EditMessageAsync(await me.GetAsync(http.User, ct), id, body.Text!, ct));
    }

    private static async Task<NoContent> Delete(Guid id, HttpContext http, CurrentMember me, ConversationService conversations, CancellationToken ct)
    {
        await conversations.DeleteMessageAsync(await me.GetAsync(http.User, ct), id, ct);
        return TypedResults.NoContent();
    }

    internal static async Task<Conversation> VisibleAsync(ParleyDbContext db, TeamMember member, Guid id, CancellationToken ct)
    {
        var c = await db.Conversations.AsNoTracking().Include(x => x.Topics).FirstOrDefaultAsync(x => x.Id == id && x.CompanyId == member.CompanyId, ct);
        return c is not null && Permissions.CanSee(member, c) ? c : throw new RuleViolationException(Decision.NotFound(RefusalCodes.ConversationNotFound, "Conversation not found."));
    }

    private static T? ParseEnum<T>(Validation v, string field, string? value)
        where T : struct, Enum
    {
        if (value is null) return null;
        if (Enum.TryParse<T>(value, true, out var parsed) && !int.TryParse(value, out _)) return parsed;
        v.Add(field, $"'{field}' must be one of {string.Join(", ", Enum.GetNames<T>().Select(n => n.ToLowerInvariant()))}.");
        return null;
    }

    private static List<T>? ParseList<T>(Validation v, string field, string? value, Func<string, T?> parse, string? allow = null)
        where T : struct
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        var result = new List<T>();
        foreach (var part in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (allow is not null && part.Equals(allow, StringComparison.OrdinalIgnoreCase)) continue;
            if (parse(part) is { } parsed) result.Add(parsed);
            else v.Add(field, $"'{part}' is not a valid {field}.");
        }

        return result;
    }
}
