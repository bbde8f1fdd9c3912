using Microsoft.EntityFrameworkCore;
using Parley.Data;
using Parley.Domain.Catalog;
using Parley.Domain.Common;
using Parley.Domain.Team;
using Parley.Server.Conversations;
using Parley.Server.Infrastructure;
using Parley.Server.Team;

namespace Parley.Server.Catalog;

/// <summary>Company-wide (owner/supervisor) and personal quick replies, found by /shortcut prefix.</summary>
public static class QuickRepliesApi
{
    public static RouteGroupBuilder MapQuickRepliesApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/quick-replies").WithTags("Quick replies");
        group.MapGet("/", List).WithSummary("Company-wide and own quick replies; ?q= prefix-searches shortcuts (with or without the leading /).");
        group.MapPost("/", Create).WithSummary("personal=true makes it your own; otherwise company-wide (owner/supervisor).");
        group.MapPatch("/{id:guid}", Update);
        group.MapDelete("/{id:guid}", Delete);
        return api;
    }

    public sealed record QuickReplyDto(Guid Id, string Shortcut, string Title, bool Personal, IReadOnlyDictionary<string, string> Variants);

    private static QuickReplyDto ToDto(QuickReply q) => new(q.Id, q.Shortcut, q.Title, q.OwnerId is not null, q.Variants);

    private static async Task<IResult> List(string? q, HttpContext http, CurrentMember me, ParleyDbContext db, CancellationToken ct) =>
        TypedResults.Ok(await ListAsync(db, await me.GetAsync(http.User, ct), q, ct));

    /// <summary>Company-wide and the member's own replies, by shortcut prefix; the console's picker uses the same query.</summary>
    public static async Task<List<QuickReplyDto>> ListAsync(ParleyDbContext db, TeamMember member, string? q, CancellationToken ct)
    {
        var query = db.QuickReplies.AsNoTracking().Where(r => r.CompanyId == member.CompanyId && (r.OwnerId == null || r.OwnerId == member.Id));
        var prefix = q?.Trim().TrimStart('/').ToLowerInvariant();
        if (!string.IsNullOrEmpty(prefix)) query = query.Where(r => r.Shortcut.StartsWith(prefix));
        var rows = await query.OrderBy(r => r.Shortcut).Take(100).ToListAsync(ct);
        return [.. rows.Select(ToDto)];
    }

    public sealed record QuickReplyRequest(string? Shortcut, string? Title, Dictionary<string, string>? Variants, bool Personal = false);

    private static async Task<IResult> Create(QuickReplyRequest body, HttpContext http, CurrentMember me, ParleyDbContext db, TimeProvider time, CancellationToken ct)
    {
        var reply = await CreateAsync(db, time, await me.GetAsync(http.User, ct), body, ct);
        return TypedResults.Created($"/api/v1/quick-replies/{reply.Id}", reply);
    }

    /// <summary>The use case behind POST /quick-replies, shared with the console.</summary>
    public static async Task<QuickReplyDto> CreateAsync(ParleyDbContext db, TimeProvider time, TeamMember member, QuickReplyRequest body, CancellationToken ct)
    {
        var ownerId = body.Personal ? member.Id : (Guid?)null;
        ConversationService.Ensure(Permissions.CanManageQuickReply(member, ownerId));
        Validate(body, requireAll: true).ThrowIfInvalid();
        var reply = new QuickReply
        {
            CompanyId = member.CompanyId,
            OwnerId = ownerId,
            Shortcut = Shortcut(body.Shortcut!),
            Title = body.Title!.Trim(),
            Variants = Normalize(body.Variants!),
            CreatedAt = time.GetUtcNow().UtcDateTime,
        };
        db.QuickReplies.Add(reply);
        await db.SaveChangesAsync(ct);
        return ToDto(reply);
    }

    private static async Task<IResult> Update(Guid id, QuickReplyRequest body, HttpContext http, CurrentMember me, ParleyDbContext db, CancellationToken ct)
    {
        var member = await me.GetAsync(http.User, ct);
        var reply = await FindAsync(db, member, id, ct);
        ConversationService.Ensure(Permissions.CanManageQuickReply(member, reply.OwnerId));
        var v = Validate(body, requireAll: false);
        if (!v.IsValid) return v.Problem();
        if (body.Shortcut is not null) reply.Shortcut = Shortcut(body.Shortcut);
        if (body.Title is not null) reply.Title = body.Title.Trim();
        if (body.Variants is not null) reply.Variants = Normalize(body.Variants);
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(ToDto(reply));
    }

    private static async Task<IResult> Delete(Guid id, HttpContext http, CurrentMember me, ParleyDbContext db, CancellationToken ct)
    {
        await DeleteAsync(db, await me.GetAsync(http.User, ct), id, ct);
        return TypedResults.NoContent();
    }

    public static async Task DeleteAsync(ParleyDbContext db, TeamMember member, Guid id, CancellationToken ct)
    {
        var reply = await FindAsync(db, member, id, ct);
        ConversationService.Ensure(Permissions.CanManageQuickReply(member, reply.OwnerId));
        db.QuickReplies.Remove(reply);
        await db.SaveChangesAsync(ct);
    }

    private static async Task<QuickReply> FindAsync(ParleyDbContext db, TeamMember member, Guid id, CancellationToken ct) =>
        await db.QuickReplies.FirstOrDefaultAsync(r => r.Id == id && r.CompanyId == member.CompanyId && (r.OwnerId == null || r.OwnerId == member.Id), ct)
        ?? throw new RuleViolationException(Decision.NotFound(RefusalCodes.QuickReplyNotFound, "Quick reply not found."));

    private static Validation Validate(QuickReplyRequest body, bool requireAll)
    {
        var v = new Validation();
        if (requireAll || body.Shortcut is not null)
        {
            v.Required("shortcut", body.Shortcut, 64);
            v.Check(body.Shortcut is null || Shortcut(body.Shortcut).All(c => char.IsLetterOrDigit(c) || c is '-' or '_'), "shortcut", "'shortcut' may hold letters, digits, - and _ only.");
        }

        if (requireAll || body.Title is not null) v.Required("title", body.Title, 200);
        if (requireAll || body.Variants is not null)
        {
            v.Check(body.Variants is { Count: > 0 }, "variants", "'variants' needs at least one language, e.g. {\"uk\": \"...\"}.");
            foreach (var (language, text) in body.Variants ?? [])
            {
                v.Check(Languages.Normalize(language) == language, "variants", $"'{language}' is not a language code such as uk or en.");
                v.Check(!string.IsNullOrWhiteSpace(text) && text.Length <= 4000, "variants", $"The '{language}' text must have 1–4000 characters.");
            }
        }

        return v;
    }

    private static string Shortcut(string value) => value.Trim().TrimStart('/').ToLowerInvariant();

    private static Dictionary<string, string> Normalize(Dictionary<string, string> variants) =>
        variants.ToDictionary(v => v.Key, v => v.Value.Trim());
}
