using System.Net;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Net.Http.Headers;
using Parley.Data;
using Parley.Domain.Channels;
using Parley.Domain.Common;
using Parley.Server.Conversations;
using Parley.Server.Team;

namespace Parley.Server.Channels.Widget;

/// <summary>
/// The widget's public surface: the launcher script, the chat frame, its public config and visitors' uploads. Hub:
/// <see cref="VisitorHub"/>. Files are downloaded from <see cref="Files.FilesApi"/>.
/// </summary>
public static class WidgetEndpoints
{
    public const string VisitorHeader = "X-Parley-Visitor";

    public static IEndpointRouteBuilder MapWidgetEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/widget.js", (HttpContext http) => Asset(http, "launcher.js", "text/javascript; charset=utf-8", versioned: false)).ExcludeFromDescription();
        app.MapGet("/widget/v1/frame.js", (HttpContext http) => Asset(http, "frame.js", "text/javascript; charset=utf-8", versioned: true)).ExcludeFromDescription();
        app.MapGet("/widget/v1/frame.css", (HttpContext http) => Asset(http, "frame.css", "text/css; charset=utf-8", versioned: true)).ExcludeFromDescription();
        app.MapGet("/widget/frame/{publicToken}", Frame).ExcludeFromDescription();

        var visitor = app.MapGroup("/api/v1/widget/{publicToken}").WithTags("Widget (visitor)").RequireRateLimiting(WidgetRateLimits.RequestsPolicy);
        visitor.MapGet("/config", Config).WithSummary("The widget's public settings. Answers 403 to a page whose origin the widget does not allow.");
        visitor.MapPost("/attachments", Upload).DisableAntiforgery().RequireRateLimiting(WidgetRateLimits.UploadsPolicy)
            .WithSummary($"A visitor's file (multipart field 'file', visitor token in {VisitorHeader}); at most 10 MB, images and documents only.");
        return app;
    }

    private static async Task<IResult> Config(string publicToken, HttpContext http, ParleyDbContext db, WidgetOrigins origins, CancellationToken ct)
    {
        var channel = await FindAsync(db, publicToken, ct);
        if (channel is null) return NotFound();
        var settings = WidgetSettings.Read(channel);
        // Readable from any page, refusal included, so that the launcher can say why it does not show up.
        AllowCors(http);
        if (!origins.IsAllowed(http, settings, null)) return Refused();
        return TypedResults.Ok(WidgetPublicConfig.From(channel, settings));
    }

    private static async Task<IResult> Upload(
        string publicToken, HttpContext http, ParleyDbContext db, WidgetOrigins origins, VisitorTokens tokens, WidgetFiles files, TimeProvider time, CancellationToken ct)
    {
        var channel = await FindAsync(db, publicToken, ct);
        if (channel is null) return NotFound();
        var settings = WidgetSettings.Read(channel);
        if (!origins.IsAllowed(http, settings, null)) return Refused();
        var visitor = tokens.Read(http.Request.Headers[VisitorHeader], channel.Id);
        if (visitor is null || (settings.RequireVerification && !visitor.IsVerified))
            return TypedResults.Problem(statusCode: 401, title: "Unauthorized", detail: $"Send the visitor token from Join in {VisitorHeader}.");
        if (!http.Request.HasFormContentType) return Invalid("file", "Send the file as multipart/form-data in the field 'file'.");

        var form = await http.Request.ReadFormAsync(ct);
        var file = form.Files.GetFile("file");
        if (file is null) return Invalid("file", "Send the file as multipart/form-data in the field 'file'.");
        if (Files.FilesApi.Refused(file) is { } refused) return refused;

        await using var content = file.OpenReadStream();
        var stored = await files.SaveAsync(channel.CompanyId, visitor, file.FileName, content, file.Length, time.GetUtcNow().UtcDateTime, ct);
        return TypedResults.Created(stored.Url, new { id = stored.Id, fileName = stored.FileName, contentType = stored.ContentType, size = stored.Size, url = stored.Url });
    }

    /// <summary>The chat frame. Its CSP frame-ancestors makes the browser refuse to show it inside a page the widget does not allow.</summary>
    private static async Task<IResult> Frame(string publicToken, HttpContext http, ParleyDbContext db, CancellationToken ct)
    {
        var channel = await FindAsync(db, publicToken, ct);
        if (channel is null) return NotFound();
        var settings = WidgetSettings.Read(channel);
        var ancestors = settings.AllowedOrigins.Count == 0 ? "*" : string.Join(' ', settings.AllowedOrigins);
        http.Response.Headers.ContentSecurityPolicy =
            $"default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob: data: https: http:; media-src 'self' blob:; connect-src 'self' ws: wss:; frame-ancestors {ancestors}; base-uri 'none'; form-action 'none'";
        http.Response.Headers.XContentTypeOptions = "nosniff";
        http.Response.Headers.CacheControl = "no-cache";
        var v = AssetVersion(http, "frame.js") + AssetVersion(http, "frame.css");
        return TypedResults.Content(
            $"""
            <!doctype html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="referrer" content="no-referrer">
            <title>Chat</title>
            <link rel="stylesheet" href="/widget/v1/frame.css?v={v}">
            </head>
            <body>
            <div id="parley" class="parley"></div>
            <script src="/widget/v1/frame.js?v={v}"></script>
            </body>
            </html>
            """, "text/html; charset=utf-8");
    }

    /// <summary>Where the build puts the bundles: wwwroot/widget under the content root.</summary>
    private static string Root(HttpContext http) =>
        Path.Combine(http.RequestServices.GetRequiredService<IWebHostEnvironment>().ContentRootPath, "wwwroot", "widget");

    private static string AssetVersion(HttpContext http, string name)
    {
        var path = Path.Combine(Root(http), name);
        return File.Exists(path) ? File.GetLastWriteTimeUtc(path).Ticks.ToString("x") : "0";
    }

    /// <summary>The built widget files, gzipped when the browser accepts it (the build writes both).</summary>
    private static IResult Asset(HttpContext http, string name, string contentType, bool versioned)
    {
        var path = Path.Combine(Root(http), name);
        if (!File.Exists(path))
            return TypedResults.Problem(statusCode: 503, title: "Widget not built", detail: "The widget's scripts are built by 'dotnet build' of Parley.Server, which needs Node.js and npm.");
        var gzipped = path + ".gz";
        var useGzip = File.Exists(gzipped) && http.Request.Headers.AcceptEncoding.ToString().Contains("gzip", StringComparison.OrdinalIgnoreCase);
        var headers = http.Response.Headers;
        headers.Vary = "Accept-Encoding";
        headers.XContentTypeOptions = "nosniff";
        // The launcher's URL is pasted into sites and never changes, so it is revalidated; the frame's files carry a version.
        headers.CacheControl = versioned && http.Request.Query.ContainsKey("v") ? "public, max-age=31536000, immutable" : "public, max-age=300";
        headers.AccessControlAllowOrigin = "*";
        if (useGzip) headers.ContentEncoding = "gzip";
        var modified = File.GetLastWriteTimeUtc(path);
        return TypedResults.PhysicalFile(useGzip ? gzipped : path, contentType, lastModified: modified,
            entityTag: new EntityTagHeaderValue($"\"{modified.Ticks:x}{(useGzip ? "-gz" : "")}\""));
    }

    private static Task<Channel?> FindAsync(ParleyDbContext db, string publicToken, CancellationToken ct) =>
        db.Channels.AsNoTracking().FirstOrDefaultAsync(c => c.PublicToken == publicToken && c.Type == ChannelType.Widget && c.IsEnabled, ct);

    private static void AllowCors(HttpContext http)
    {
        if (http.Request.Headers.Origin.ToString() is { Length: > 0 } origin)
        {
            http.Response.Headers.AccessControlAllowOrigin = origin;
            http.Response.Headers.Vary = "Origin";
        }
    }

    private static ProblemHttpResult NotFound() => TypedResults.Problem(statusCode: 404, title: "Not found", detail: "This chat widget is not available.");

    private static ProblemHttpResult Refused() => TypedResults.Problem(statusCode: (int)HttpStatusCode.Forbidden, title: "Origin not allowed", detail: WidgetOrigins.Refused);

    private static ValidationProblem Invalid(string field, string error) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [error] }, title: "The request has invalid fields.");
}
