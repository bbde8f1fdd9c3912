using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Parley.Server.Tests.Infrastructure;
using static Parley.Server.Tests.Infrastructure.Api;

namespace Parley.Server.Tests.Files;

/// <summary>Team uploads and sending them, as an integration does it over the API.</summary>
internal static class FilesKit
{
    public static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 7, 7, 7];

    public static readonly byte[] Pdf = "%PDF-1.4 price list"u8.ToArray();

    public static async Task<HttpResponseMessage> UploadAsync(HttpClient member, string fileName, byte[] bytes)
    {
        using var form = new MultipartFormDataContent();
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(content, "file", fileName);
        return await member.PostAsync("/api/v1/files", form);
    }

    /// <summary>Uploads and returns the file's id.</summary>
    public static async Task<string> UploadOkAsync(HttpClient member, string fileName, byte[] bytes)
    {
        var response = await UploadAsync(member, fileName, bytes);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await Json(response)).GetProperty("id").GetString()!;
    }

    public static Task<HttpResponseMessage> SendAsync(HttpClient member, string conversationId, string? text, params string[] attachmentIds) =>
        member.PostAsJsonAsync($"/api/v1/conversations/{conversationId}/messages", new { text, attachmentIds });

    public static async Task<JsonElement> SendOkAsync(HttpClient member, string conversationId, string? text, params string[] attachmentIds)
    {
        var response = await SendAsync(member, conversationId, text, attachmentIds);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return await Json(response);
    }

    /// <summary>Tampers with a signed link's last signature digit.</summary>
    public static string Tampered(string link) => link[..^1] + (link[^1] == '0' ? '1' : '0');
}

/// <summary>The server with its own files folder, so that a test can see that nothing was stored.</summary>
public abstract class FilesApp : ParleyApp
{
    public string FilesPath { get; } = Path.Combine(Path.GetTempPath(), "parley-uploads-" + Guid.NewGuid().ToString("N")[..12]);

    public int StoredCount => Directory.Exists(FilesPath) ? Directory.GetFiles(FilesPath, "*.bin").Length : 0;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Parley:Widget:FilesPath", FilesPath);
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (Directory.Exists(FilesPath)) Directory.Delete(FilesPath, recursive: true);
        GC.SuppressFinalize(this);
    }
}

public sealed class FilesSqliteApp : FilesApp
{
    protected override Provider Provider => Provider.Sqlite;
}

public sealed class FilesPostgresApp : FilesApp
{
    protected override Provider Provider => Provider.Postgres;
}
