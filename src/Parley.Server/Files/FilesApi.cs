using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Parley.Data;
using Parley.Domain.Common;
using Parley.Server.Channels.Widget;
using Parley.Server.Conversations;
using Parley.Server.Team;

namespace Parley.Server.Files;

/// <summary>
/// Attachments over REST: a team member's upload (attached to a message by its id), and the one download of every
/// stored upload, for the team members who see its conversation, its visitor, or the holder of a signed link.
/// </summary>
public static class FilesApi
{
    public sealed record UploadedFile(Guid Id, string FileName, string ContentType, long Size, string Url)
    {
        public static UploadedFile From(StoredFile f) => new(f.Id, f.FileName, f.ContentType, f.Size, f.Url);
    }

    public static IServiceCollection AddParleyFiles(this IServiceCollection services) => services.AddSingleton<FileLinks>();

    public static RouteGroupBuilder MapFilesApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/files").WithTags("Files");
        group.MapPost("/", Upload).DisableAntiforgery()
            .Accepts<IFormFile>("multipart/form-data")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .WithSummary("Store a file to attach to a message (multipart field 'file'; at most 10 MB; images, PDF, text, CSV, Word, Excel, OpenDocument, ZIP). Send its id in attachmentIds.");
        group.MapGet("/{id:guid}", Download).AllowAnonymous()
            .WithSummary($"An attachment, for the team members who see its conversation (the uploader's company before it is sent), its visitor ({WidgetEndpoints.VisitorHeader}), or a signed link (expires, signature).");
        return api;
    }

    private static async Task<Results<Created<UploadedFile>, ValidationProblem, ProblemHttpResult>> Upload(
        HttpContext http, CurrentMember me, WidgetFiles files, TimeProvider time, CancellationToken ct)
    {
        var member = await me.GetAsync(http.User, ct);
        var file = http.Request.HasFormContentType ? (await http.Request.ReadFormAsync(ct)).Files.GetFile("file") : null;
        if (file is null)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["file"] = ["Send the file as multipart/form-data in the field 'file'."] }, title: "The request has invalid fields.");
        if (Refused(file) is { } refused) return refused;

        await using var content = file.OpenReadStream();
        var stored = UploadedFile.From(await files.SaveAsync(member, file.FileName, content, file.Length, time.GetUtcNow().UtcDateTime, ct));
        return TypedResults.Created(stored.Url, stored);
    }

    /// <summary>An upload the store would refuse, as the ProblemDetails both upload endpoints answer (413 when too large).</summary>
    internal static ProblemHttpResult? Refused(IFormFile file)
    {
        if (WidgetFiles.Refuse(file.FileName, file.Length) is not { Reason: { } reason } refusal) return null;
        var status = file.Length > WidgetFiles.MaxBytes ? StatusCodes.Status413PayloadTooLarge : StatusCodes.Status400BadRequest;
        return TypedResults.Problem(statusCode: status, title: "The file cannot be sent.", detail: reason,
            extensions: new Dictionary<string, object?> { ["code"] = refusal.Code, ["errors"] = new Dictionary<string, string[]> { ["file"] = [reason] } });
    }

    private static async Task<IResult> Download(
        Guid id, string? expires, string? signature, HttpContext http, ParleyDbContext db, WidgetFiles files, FileLinks links, VisitorTokens tokens,
        CurrentMember me, CancellationToken ct)
    {
        var file = await files.FindAsync(id, ct);
        if (signature is not null)
        {
            if (file is null || file.TeamOnly || !links.IsValid(id, expires, signature))
                return TypedResults.Problem(statusCode: 403, title: "Link not valid", detail: "This file link is not valid or has expired.");
        }
        else if (file is null || !await MaySeeAsync(file, http, db, tokens, me, ct))
        {
            return TypedResults.Problem(statusCode: 404, title: "Not found", detail: "File not found.");
        }

        // Never rendered as a page of this site, whatever its bytes are.
        http.Response.Headers.XContentTypeOptions = "nosniff";
        http.Response.Headers.ContentSecurityPolicy = "default-src 'none'; sandbox";
        http.Response.Headers.CacheControl = "private, max-age=3600";
        return TypedResults.File(files.OpenRead(file), file.ContentType, WidgetFiles.IsImage(file.ContentType) ? null : file.FileName);
    }

    /// <summary>
    /// The uploader while the file is unattached (a visitor; for a team upload, the company's members); afterwards the
    /// conversation's visitor (unless it went out in a private note only) and the team members who see it.
    /// </summary>
    private static async Task<bool> MaySeeAsync(StoredFile file, HttpContext http, ParleyDbContext db, VisitorTokens tokens, CurrentMember me, CancellationToken ct)
    {
        if (http.Request.Headers.ContainsKey(WidgetEndpoints.VisitorHeader))
        {
            if (file.ChannelId is not { } channelId || tokens.Read(http.Request.Headers[WidgetEndpoints.VisitorHeader], channelId) is not { } visitor) return false;
            if (file.OwnerExternalId == visitor.ExternalId) return true;
            if (file.TeamOnly) return false;
            var clientId = await VisitorHistory.ClientIdAsync(db, visitor, ct);
            return file.ConversationId is { } cid && clientId is not null && await db.Conversations.AnyAsync(c => c.Id == cid && c.ClientId == clientId, ct);
        }

        if (http.User.Identity?.IsAuthenticated != true) return false;
        try
        {
            var member = await me.GetAsync(http.User, ct);
            if (file.ConversationId is not { } conversationId) return file.UploadedById is not null && file.CompanyId == member.CompanyId;
            await ConversationsApi.VisibleAsync(db, member, conversationId, ct);
            return true;
        }
        catch (RuleViolationException)
        {
            return false;
        }
    }
}
