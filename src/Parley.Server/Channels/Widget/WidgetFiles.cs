using System.Text.Json;
using Microsoft.Extensions.Options;
using Parley.Domain.Common;
using Parley.Domain.Messages;

namespace Parley.Server.Channels.Widget;

/// <summary>A stored upload and who may see it: its uploader until it is attached, then whoever may see its conversation.</summary>
public sealed record StoredFile(
    Guid Id, Guid CompanyId, Guid ChannelId, string OwnerExternalId, Guid? ConversationId, string FileName, string ContentType, long Size, DateTime CreatedAt)
{
    public string Url => WidgetFiles.UrlOf(Id);

    public Attachment ToAttachment() => new(FileName, ContentType, Size, Url);
}

/// <summary>
/// Visitors' attachments on disk (<c>Parley:Widget:FilesPath</c>, default ./data/files): the bytes and a small JSON
/// description side by side. The type comes from an allow-list of extensions, never from what the browser claims.
/// </summary>
public sealed class WidgetFiles(IOptions<WidgetOptions> options)
{
    public const long MaxBytes = 10 * 1024 * 1024;
    public const int MaxPerMessage = 5;

    public static readonly IReadOnlyDictionary<string, string> AllowedTypes = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        [".png"] = "image/png",
        [".jpg"] = "image/jpeg",
        [".jpeg"] = "image/jpeg",
        [".gif"] = "image/gif",
        [".webp"] = "image/webp",
        [".pdf"] = "application/pdf",
        [".txt"] = "text/plain",
        [".csv"] = "text/csv",
        [".doc"] = "application/msword",
        [".docx"] = "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        [".xls"] = "application/vnd.ms-excel",
        [".xlsx"] = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        [".odt"] = "application/vnd.oasis.opendocument.text",
        [".ods"] = "application/vnd.oasis.opendocument.spreadsheet",
        [".zip"] = "application/zip",
    };

    private readonly string _root = Path.GetFullPath(options.Value.FilesPath);

    public static string UrlOf(Guid id) => $"/api/v1/files/{id:N}";

    public static bool IsImage(string contentType) => contentType.StartsWith("image/", StringComparison.Ordinal);

    /// <summary>The refusal a person understands, or null when the file may be stored.</summary>
    public static string? Refusal(string fileName, long size)
    {
        if (size == 0) return "The file is empty.";
        if (size > MaxBytes) return $"The file is too large: {size / 1024.0 / 1024.0:0.#} MB. Files can be at most 10 MB.";
        if (!AllowedTypes.ContainsKey(Path.GetExtension(fileName)))
            return "This type of file cannot be sent. Allowed: images (PNG, JPEG, GIF, WebP), PDF, text, CSV, Word, Excel, OpenDocument and ZIP.";
        return null;
    }

    public async Task<StoredFile> SaveAsync(Guid companyId, Visitor visitor, string fileName, Stream content, long size, DateTime now, CancellationToken ct)
    {
        Directory.CreateDirectory(_root);
        var name = SafeName(fileName);
        var file = new StoredFile(Guid.NewGuid(), companyId, visitor.ChannelId, visitor.ExternalId, null, name, AllowedTypes[Path.GetExtension(name)], size, now);
        await using (var target = File.Create(DataPath(file.Id)))
        {
            await content.CopyToAsync(target, ct);
        }

        await WriteMetaAsync(file, ct);
        return file;
    }

    public async Task<StoredFile?> FindAsync(Guid id, CancellationToken ct)
    {
        var path = MetaPath(id);
        if (!File.Exists(path)) return null;
        await using var stream = File.OpenRead(path);
        return await JsonSerializer.DeserializeAsync<StoredFile>(stream, JsonSerializerOptions.Web, ct);
    }

    public Stream OpenRead(StoredFile file) => File.OpenRead(DataPath(file.Id));

    /// <summary>The visitor's own uploads that are still free (or already on this message's conversation) become attachments.</summary>
    public async Task<List<StoredFile>> ClaimAsync(Visitor visitor, IReadOnlyList<Guid> ids, CancellationToken ct)
    {
        if (ids.Count > MaxPerMessage) throw new RuleViolationException(Decision.Invalid(RefusalCodes.TooManyFiles, $"At most {MaxPerMessage} files per message.", ("max", MaxPerMessage)));
        var files = new List<StoredFile>();
        foreach (var id in ids.Distinct())
        {
            var file = await FindAsync(id, ct);
            if (file is null || file.ChannelId != visitor.ChannelId || file.OwnerExternalId != visitor.ExternalId)
                throw new RuleViolationException(Decision.Invalid(RefusalCodes.FileNotFound, "An attached file was not found; upload it again."));
            files.Add(file);
        }

        return files;
    }

    /// <summary>From now on the file belongs to the conversation: the team members who see it may open it.</summary>
    public async Task AttachAsync(IEnumerable<StoredFile> files, Guid conversationId, CancellationToken ct)
    {
        foreach (var file in files.Where(f => f.ConversationId is null)) await WriteMetaAsync(file with { ConversationId = conversationId }, ct);
    }

    private async Task WriteMetaAsync(StoredFile file, CancellationToken ct)
    {
        var temp = MetaPath(file.Id) + ".tmp";
        await File.WriteAllTextAsync(temp, JsonSerializer.Serialize(file, JsonSerializerOptions.Web), ct);
        File.Move(temp, MetaPath(file.Id), overwrite: true);
    }

    private string DataPath(Guid id) => Path.Combine(_root, $"{id:N}.bin");

    private string MetaPath(Guid id) => Path.Combine(_root, $"{id:N}.json");

    /// <summary>Keeps the name a person sees, without anything that could act as a path or header.</summary>
    private static string SafeName(string fileName)
    {
        var name = Path.GetFileName(fileName.Replace('\\', '/'));
        var cleaned = new string([.. name.Where(c => !char.IsControl(c) && c is not ('"' or '/' or '\\'))]).Trim();
        if (cleaned.Length > 150) cleaned = cleaned[..(150 - Path.GetExtension(cleaned).Length)] + Path.GetExtension(cleaned);
        return cleaned.Length == 0 ? "file" + Path.GetExtension(fileName) : cleaned;
    }
}
