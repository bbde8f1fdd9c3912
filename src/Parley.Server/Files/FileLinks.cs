using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Parley.Server.Channels.Inbound;
using Parley.Server.Channels.Widget;

namespace Parley.Server.Files;

/// <summary>
/// Signed, expiring links to a stored file, for those who cannot sign in: Meta downloads the files we send from such
/// a link, and an API channel's webhook gets one. The signature is an HMAC-SHA256 over the file id and the expiry with
/// a key from <c>Parley:Files:LinkKey</c>, or one generated once into the files folder (shared by every node that shares it).
/// </summary>
public sealed class FileLinks(IConfiguration configuration, WidgetFiles files, PublicUrls urls, TimeProvider time)
{
    /// <summary>Long enough for a provider to fetch the file on a retried delivery; links are minted per delivery.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(24);

    private readonly Lazy<byte[]> _key = new(() => LoadKey(configuration, files.Root));

    /// <summary>The server's public https address, or null when there is none (Meta cannot download from us then).</summary>
    public string? PublicHttpsBase =>
        urls.BaseUrl is { } b && Uri.TryCreate(b, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps ? b : null;

    /// <summary>An absolute link on the public https address, or null without one.</summary>
    public string? PublicLink(StoredFile file) => PublicHttpsBase is { } b ? b + PathFor(file.Id, time.GetUtcNow() + Lifetime) : null;

    /// <summary>A link on the public address when there is one, else the signed path alone (relative to this server).</summary>
    public string Link(StoredFile file) => (urls.BaseUrl ?? "") + PathFor(file.Id, time.GetUtcNow() + Lifetime);

    public string PathFor(Guid id, DateTimeOffset expires)
    {
        var seconds = expires.ToUnixTimeSeconds();
        return $"{WidgetFiles.UrlOf(id)}?expires={seconds.ToString(CultureInfo.InvariantCulture)}&signature={Sign(id, seconds)}";
    }

    public bool IsValid(Guid id, string? expires, string? signature)
    {
        if (!long.TryParse(expires, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) || signature is not { Length: 64 }) return false;
        if (DateTimeOffset.FromUnixTimeSeconds(Math.Min(seconds, DateTimeOffset.MaxValue.ToUnixTimeSeconds())) < time.GetUtcNow()) return false;
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Sign(id, seconds)), Encoding.ASCII.GetBytes(signature.ToLowerInvariant()));
    }

    private string Sign(Guid id, long expires) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(_key.Value, Encoding.ASCII.GetBytes($"{id:N}:{expires.ToString(CultureInfo.InvariantCulture)}")));

    private static byte[] LoadKey(IConfiguration configuration, string folder)
    {
        if (configuration["Parley:Files:LinkKey"] is { Length: > 0 } configured) return Encoding.UTF8.GetBytes(configured);
        var path = Path.Combine(folder, "link.key");
        if (File.Exists(path)) return Convert.FromBase64String(File.ReadAllText(path).Trim());
        Directory.CreateDirectory(folder);
        var key = RandomNumberGenerator.GetBytes(32);
        var temp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        File.WriteAllText(temp, Convert.ToBase64String(key));
        try
        {
            File.Move(temp, path, overwrite: false);
            return key;
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another node (sharing the folder) was first: everyone signs with its key.
            File.Delete(temp);
            return Convert.FromBase64String(File.ReadAllText(path).Trim());
        }
    }
}
