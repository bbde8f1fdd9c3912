using System.Text.RegularExpressions;
using Microsoft.AspNetCore.StaticFiles;
using Parley.Domain.Messages;
using Parley.Server.Team;

namespace Parley.Server.Channels.Inbound;

/// <summary>
/// Files that clients send through messengers (and their profile photos), copied to disk under ./data/files/&lt;company&gt;/,
/// because the providers' links expire (Meta) or carry the bot token (Telegram). Served to the company's members only,
/// at <c>/api/v1/channel-files/{name}</c>.
/// </summary>
public sealed partial class FileStore(IConfiguration configuration)
{
    public const long MaxBytes = 20 * 1024 * 1024;
    private static readonly FileExtensionContentTypeProvider ContentTypes = new();

    private string Root => Path.GetFullPath(configuration["Parley:FilesPath"] ?? Path.Combine("data", "files"));

    public async Task<Attachment> SaveAsync(Guid companyId, string fileName, string? contentType, Stream content, CancellationToken ct)
    {
        var safeName = SafeFileName(fileName);
        var extension = Path.GetExtension(safeName) is { Length: > 1 and <= 10 } ext && ExtensionPattern().IsMatch(ext) ? ext.ToLowerInvariant() : ".bin";
        var stored = Guid.CreateVersion7().ToString("N") + extension;
        var folder = Path.Combine(Root, companyId.ToString("N"));
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, stored);
        long size;
        await using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write))
        {
            await content.CopyToAsync(file, ct);
            size = file.Length;
        }

        if (size > MaxBytes)
        {
            File.Delete(path);
            throw new InvalidOperationException($"The file '{safeName}' is larger than {MaxBytes / 1024 / 1024} MB.");
        }

        var type = contentType is { Length: > 0 } ? contentType : ContentTypes.TryGetContentType(stored, out var guessed) ? guessed : "application/octet-stream";
        return new Attachment(safeName, type, size, $"/api/v1/channel-files/{stored}");
    }

    /// <summary>The stored file behind one of our own attachment URLs, if it belongs to the company.</summary>
    public string? Find(Guid companyId, string url)
    {
        const string prefix = "/api/v1/channel-files/";
        if (!url.StartsWith(prefix, StringComparison.Ordinal)) return null;
        var name = url[prefix.Length..];
        if (!StoredNamePattern().IsMatch(name)) return null;
        var path = Path.Combine(Root, companyId.ToString("N"), name);
        return File.Exists(path) ? path : null;
    }

    public static RouteGroupBuilder MapChannelFiles(RouteGroupBuilder api)
    {
        api.MapGet("/channel-files/{name}", async (string name, HttpContext http, CurrentMember me, FileStore files, CancellationToken ct) =>
        {
            var member = await me.GetAsync(http.User, ct);
            var path = files.Find(member.CompanyId, "/api/v1/channel-files/" + name);
            if (path is null) return Results.Problem(statusCode: 404, title: "Not found", detail: "File not found.");
            var type = ContentTypes.TryGetContentType(path, out var t) ? t : "application/octet-stream";
            // Only pictures are shown inline; anything else (an .html a client sent, say) is downloaded, never rendered.
            var inline = type is "image/jpeg" or "image/png" or "image/gif" or "image/webp";
            http.Response.Headers.XContentTypeOptions = "nosniff";
            return inline ? Results.File(path, type) : Results.File(path, "application/octet-stream", name);
        }).WithTags("Channels").WithSummary("A file a client sent through a messenger, or a client's profile photo.");
        return api;
    }

    private static string SafeFileName(string name)
    {
        var cleaned = new string([.. Path.GetFileName(name.Replace('\\', '/')).Where(c => !char.IsControl(c) && !Path.GetInvalidFileNameChars().Contains(c))]).Trim();
        if (cleaned.Length == 0) cleaned = "file";
        return cleaned.Length > 200 ? cleaned[^200..] : cleaned;
    }

    [GeneratedRegex(@"^\.[A-Za-z0-9]+$")]
    private static partial Regex ExtensionPattern();

    [GeneratedRegex(@"^[0-9a-f]{32}\.[a-z0-9]{1,9}$")]
    private static partial Regex StoredNamePattern();
}
