using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using Parley.Domain.Common;
using Parley.Domain.Messages;
using Parley.Domain.Team;

namespace Parley.Server.Channels.Widget;

/// <summary>
/// A stored upload and who may see it: its uploader until it is attached (a visitor, or for a team member's upload the
/// members of the company), then whoever may see its conversation. <see cref="TeamOnly"/>: it went out in a private
/// note only, so the conversation's visitor may not open it.
/// </summary>
public sealed record StoredFile(
    Guid Id, Guid CompanyId, Guid? ChannelId, string? OwnerExternalId, Guid? ConversationId, string FileName, string ContentType, long Size, DateTime CreatedAt,
    Guid? UploadedById = null, bool TeamOnly = false)
{
    public string Url => WidgetFiles.UrlOf(Id);

    public Attachment ToAttachment() => new(FileName, ContentType, Size, Url);
}

/// <summary>
/// Attachments on disk (<c>Parley:Widget:FilesPath</c>, default ./data/files): visitors' uploads and the team's
/// (<c>POST /api/v1/files</c>), the bytes and a small JSON description side by side. The type comes from an allow-list
/// of extensions, never from what the browser claims.
/// </summary>
public sealed partial class WidgetFiles(IOptions<WidgetOptions> options)
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

    /// <summary>The folder the files live in (the link key is kept there too).</summary>
    public string Root => _root;

    public static bool IsImage(string contentType) => contentType.StartsWith("image/", StringComparison.Ordinal);

    /// <summary>Why the file may not be stored (a refusal with its code, in words a person understands), or null when it may.</summary>
    public static Decision? Refuse(string fileName, long size)
    {
        (string, object) name = ("name", fileName);
        if (size == 0) return Decision.Invalid(RefusalCodes.FileEmpty, "The file is empty.", name);
        if (size > MaxBytes)
            return Decision.Invalid(RefusalCodes.FileTooLarge, $"The file is too large: {size / 1024.0 / 1024.0:0.#} MB. Files can be at most 10 MB.", name);
        if (!AllowedTypes.ContainsKey(Path.GetExtension(fileName)))
        {
            return Decision.Invalid(RefusalCodes.FileTypeNotAllowed,
                "This type of file cannot be sent. Allowed: images (PNG, JPEG, GIF, WebP), PDF, text, CSV, Word, Excel, OpenDocument and ZIP.", name);
        }

        return null;
    }

    public Task<StoredFile> SaveAsync(Guid companyId, Visitor visitor, string fileName, Stream content, long size, DateTime now, CancellationToken ct) =>
        SaveAsync(new StoredFile(Guid.NewGuid(), companyId, visitor.ChannelId, visitor.ExternalId, null, fileName, "", size, now), content, ct);

    /// <summary>A team member's upload: free for the company's members to attach until it is sent.</summary>
    public Task<StoredFile> SaveAsync(TeamMember member, string fileName, Stream content, long size, DateTime now, CancellationToken ct) =>
        SaveAsync(new StoredFile(Guid.NewGuid(), member.CompanyId, null, null, null, fileName, "", size, now, UploadedById: member.Id), content, ct);

    private async Task<StoredFile> SaveAsync(StoredFile upload, Stream content, CancellationToken ct)
    {
        if (Refuse(upload.FileName, upload.Size) is { } refused) throw new RuleViolationException(refused);

        Directory.CreateDirectory(_root);
        var name = SafeName(upload.FileName);
        var file = upload with { FileName = name, ContentType = AllowedTypes[Path.GetExtension(name)] };
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

    /// <summary>The stored file behind one of our attachment URLs, if it belongs to the company (for channel senders).</summary>
    public async Task<StoredFile?> FindByUrlAsync(Guid companyId, string url, CancellationToken ct)
    {
        var match = UrlPattern().Match(url);
        if (!match.Success || !Guid.TryParseExact(match.Groups[1].Value, "N", out var id)) return null;
        var file = await FindAsync(id, ct);
        return file?.CompanyId == companyId ? file : null;
    }

    /// <summary>The refusal of a message with more than <see cref="MaxPerMessage"/> files.</summary>
    public static Decision TooManyFiles { get; } =
        Decision.Invalid(RefusalCodes.TooManyFiles, $"At most {MaxPerMessage} files per message.", ("max", MaxPerMessage));

    /// <summary>The visitor's own uploads that are still free (or already on this message's conversation) become attachments.</summary>
    public Task<List<StoredFile>> ClaimAsync(Visitor visitor, IReadOnlyList<Guid> ids, CancellationToken ct) =>
        ClaimAsync(ids, file => file.ChannelId == visitor.ChannelId && file.OwnerExternalId == visitor.ExternalId, ct);

    /// <summary>From now on the file belongs to the conversation: the team members who see it may open it.</summary>
    public async Task AttachAsync(IEnumerable<StoredFile> files, Guid conversationId, CancellationToken ct)
    {
        foreach (var file in files.Where(f => f.ConversationId is null)) await WriteMetaAsync(file with { ConversationId = conversationId }, ct);
    }

    /// <summary>
    /// The files a team member attaches to a message in a conversation: the company's own team uploads not yet sent,
    /// or files already in this very conversation. Anything else (unknown, another company's, a visitor's upload, a
    /// file of another conversation) is refused with one answer, so that ids cannot be probed.
    /// </summary>
    public Task<List<StoredFile>> ClaimAsync(TeamMember member, Guid conversationId, IReadOnlyList<Guid> ids, CancellationToken ct) =>
        ClaimAsync(ids, file => file.CompanyId == member.CompanyId
            && (file is { UploadedById: not null, ConversationId: null } || file.ConversationId == conversationId), ct);

    /// <summary>The files of a message, each one the sender may attach; any other id is refused with one answer.</summary>
    private async Task<List<StoredFile>> ClaimAsync(IReadOnlyList<Guid> ids, Func<StoredFile, bool> mayAttach, CancellationToken ct)
    {
        if (ids.Count > MaxPerMessage) throw new RuleViolationException(TooManyFiles);
        var files = new List<StoredFile>();
        foreach (var id in ids.Distinct())
        {
            var file = await FindAsync(id, ct);
            if (file is null || !mayAttach(file))
                throw new RuleViolationException(Decision.Invalid(RefusalCodes.FileNotFound, $"The attached file {id} was not found; upload it again."));
            files.Add(file);
        }

        return files;
    }

    /// <summary>
    /// The files now belong to the conversation: its team members may open them, and so may its visitor unless they
    /// went out in a private note only. Done before the message is announced, so that nobody is refused a file they were just shown.
    /// </summary>
    public async Task AttachAsync(IEnumerable<StoredFile> files, Guid conversationId, Guid channelId, bool privateNote, CancellationToken ct)
    {
        foreach (var file in files)
        {
            var teamOnly = file.ConversationId is null ? privateNote : file.TeamOnly && privateNote;
            if (file.ConversationId == conversationId && file.TeamOnly == teamOnly) continue;
            await WriteMetaAsync(file with { ConversationId = conversationId, ChannelId = file.ChannelId ?? channelId, TeamOnly = teamOnly }, ct);
        }
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

    [GeneratedRegex(@"^/api/v1/files/([0-9a-f]{32})$")]
    private static partial Regex UrlPattern();
}
