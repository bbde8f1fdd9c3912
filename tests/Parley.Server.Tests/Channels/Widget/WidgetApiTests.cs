using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Parley.Server.Tests.Infrastructure;
using static Parley.Server.Tests.Infrastructure.Api;

namespace Parley.Server.Tests.Channels.Widget;

/// <summary>The widget's REST side: settings for owners, the public config, the frame and scripts, and attachments.</summary>
public abstract class WidgetApiTests<TApp>(TApp app) : IClassFixture<TApp>
    where TApp : ParleyApp
{
    [Fact]
    public async Task Settings_PutByOwner_StoredNormalizedAndEmbedSnippetGiven()
    {
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        var channel = await WidgetChannel.CreateAsync(owner);

        var response = await owner.PutAsJsonAsync($"/api/v1/channels/{channel.Id}/widget", new
        {
            color = "#FF6600", position = "left", title = "Ask us", greeting = "Hi! We answer within minutes.", launcherText = "Chat",
            defaultLanguage = "uk-UA", preChat = new { name = "required", email = "optional", phone = "off" },
            allowedOrigins = new[] { "HTTPS://Shop.Example/", "http://127.0.0.1:8080" }, requireVerification = false,
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await Json(response);
        var settings = body.GetProperty("settings");
        Assert.Equal("#ff6600", settings.GetProperty("color").GetString());
        Assert.Equal("uk", settings.GetProperty("defaultLanguage").GetString());
        Assert.Equal(["https://shop.example", "http://127.0.0.1:8080"], settings.GetProperty("allowedOrigins").EnumerateArray().Select(o => o.GetString()));
        Assert.Equal("required", settings.GetProperty("preChat").GetProperty("name").GetString());
        var snippet = body.GetProperty("embedSnippet").GetString();
        Assert.Equal($"<script src=\"http://localhost/widget.js\" data-channel=\"{channel.PublicToken}\" async></script>", snippet);
        var listed = await GetJsonAsync(owner, $"/api/v1/channels/{channel.Id}");
        Assert.Equal(snippet, listed.GetProperty("embedSnippet").GetString());
    }

    [Fact]
    public async Task Settings_InvalidFields_ProblemNamesEachFieldAndNothingChanges()
    {
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        var channel = await WidgetChannel.CreateAsync(owner, new { title = "Before" });

        var response = await owner.PutAsJsonAsync($"/api/v1/channels/{channel.Id}/widget",
            new { color = "red", position = "top", allowedOrigins = new[] { "https://shop.example/path" }, avatarUrl = "javascript:alert(1)" });

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("errors");
        foreach (var field in new[] { "color", "position", "allowedOrigins", "avatarUrl" }) Assert.True(errors.TryGetProperty(field, out _), field);
        var unknown = await owner.PutAsJsonAsync($"/api/v1/channels/{channel.Id}/widget", new { preChat = new { email = "sometimes" } });
        await AssertProblemAsync(unknown, HttpStatusCode.BadRequest);
        Assert.Equal("Before", (await GetJsonAsync(owner, $"/api/v1/channels/{channel.Id}/widget")).GetProperty("settings").GetProperty("title").GetString());
    }

    [Fact]
    public async Task Settings_ManagerRole_Forbidden()
    {
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        using var manager = await app.SignInAsync(ParleyApp.ManagerEmail);
        var channel = await WidgetChannel.CreateAsync(owner);

        await AssertProblemAsync(await manager.GetAsync($"/api/v1/channels/{channel.Id}/widget"), HttpStatusCode.Forbidden);
        await AssertProblemAsync(await manager.PutAsJsonAsync($"/api/v1/channels/{channel.Id}/widget", new { title = "Mine" }), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Config_PublicAndCors_NoOriginsListAndForeignOriginRefused()
    {
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        var channel = await WidgetChannel.CreateAsync(owner, new { title = "Ask us", allowedOrigins = new[] { "https://shop.example" } });
        using var anonymous = app.CreateClient();

        using var fromShop = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/widget/{channel.PublicToken}/config") { Headers = { { "Origin", "https://shop.example" } } };
        var response = await anonymous.SendAsync(fromShop);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("https://shop.example", response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        var config = await Json(response);
        Assert.Equal("Ask us", config.GetProperty("title").GetString());
        Assert.False(config.TryGetProperty("allowedOrigins", out _));
        Assert.DoesNotContain(channel.Secret, config.ToString());

        using var fromElsewhere = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/widget/{channel.PublicToken}/config") { Headers = { { "Origin", "https://evil.example" } } };
        var refused = await AssertProblemAsync(await anonymous.SendAsync(fromElsewhere), HttpStatusCode.Forbidden);
        Assert.Contains("not allowed", refused.GetProperty("detail").GetString());
        await AssertProblemAsync(await anonymous.GetAsync("/api/v1/widget/no-such-token/config"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Frame_AllowedOrigins_BecomeFrameAncestorsAndScriptsAreServedGzipped()
    {
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        var channel = await WidgetChannel.CreateAsync(owner, new { allowedOrigins = new[] { "https://shop.example" } });
        using var anonymous = app.CreateClient();

        var frame = await anonymous.GetAsync($"/widget/frame/{channel.PublicToken}");
        Assert.Equal(HttpStatusCode.OK, frame.StatusCode);
        Assert.Contains("frame-ancestors https://shop.example;", frame.Headers.GetValues("Content-Security-Policy").Single());

        using var script = new HttpRequestMessage(HttpMethod.Get, "/widget.js") { Headers = { AcceptEncoding = { new StringWithQualityHeaderValue("gzip") } } };
        var launcher = await anonymous.SendAsync(script);
        Assert.Equal(HttpStatusCode.OK, launcher.StatusCode);
        Assert.Equal("gzip", launcher.Content.Headers.ContentEncoding.Single());
        Assert.True(launcher.Content.Headers.ContentLength <= 10 * 1024, "The launcher must stay within 10 KB gzipped.");
    }

    [Fact]
    public async Task Attachment_TooLargeOrWrongType_RefusedWithClearProblem()
    {
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        var channel = await WidgetChannel.CreateAsync(owner);
        await using var visitor = await VisitorClient.JoinAsync(app, channel);
        using var http = app.CreateClient();

        var tooLarge = await AssertProblemAsync(await UploadAsync(http, channel, visitor.Token, "scan.pdf", new byte[10 * 1024 * 1024 + 1]), HttpStatusCode.RequestEntityTooLarge);
        Assert.Contains("at most 10 MB", tooLarge.GetProperty("detail").GetString());
        Assert.True(tooLarge.GetProperty("errors").TryGetProperty("file", out _));
        var wrongType = await AssertProblemAsync(await UploadAsync(http, channel, visitor.Token, "page.html", "<script>alert(1)</script>"u8.ToArray()), HttpStatusCode.BadRequest);
        Assert.Contains("cannot be sent", wrongType.GetProperty("detail").GetString());
        await AssertProblemAsync(await UploadAsync(http, channel, null, "photo.png", [1, 2, 3]), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Attachment_SentWithMessage_TeamAndOwnerVisitorMayOpenItOthersMayNot()
    {
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        using var manager = await app.SignInAsync(ParleyApp.ManagerEmail);
        var channel = await WidgetChannel.CreateAsync(owner);
        await using var visitor = await VisitorClient.JoinAsync(app, channel);
        await using var stranger = await VisitorClient.JoinAsync(app, channel);
        using var http = app.CreateClient();
        byte[] png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3];

        var upload = await UploadAsync(http, channel, visitor.Token, "../../receipt.png", png);
        Assert.Equal(HttpStatusCode.Created, upload.StatusCode);
        var file = await Json(upload);
        Assert.Equal("receipt.png", file.GetProperty("fileName").GetString());
        var fileId = file.GetProperty("id").GetString()!;
        var url = file.GetProperty("url").GetString()!;
        await Assert.ThrowsAsync<Microsoft.AspNetCore.SignalR.HubException>(() => stranger.SendAsync("", attachmentIds: [fileId]));
        var sent = await visitor.SendAsync("", attachmentIds: [fileId]);
        var conversationId = sent.GetProperty("conversationId").GetString()!;
        Assert.Equal(url, sent.GetProperty("attachments")[0].GetProperty("url").GetString());

        var message = (await MessagesAsync(owner, conversationId)).Single(m => m.GetProperty("authorKind").GetString() == "client");
        Assert.Equal("receipt.png", message.GetProperty("attachments")[0].GetProperty("fileName").GetString());
        var asOwner = await owner.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, asOwner.StatusCode);
        Assert.Equal(png, await asOwner.Content.ReadAsByteArrayAsync());
        Assert.Equal("nosniff", asOwner.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal(HttpStatusCode.OK, (await GetAsVisitorAsync(http, url, visitor.Token)).StatusCode);
        // Unassigned New conversations are for every manager; once the owner takes it, the manager no longer sees it.
        Assert.Equal(HttpStatusCode.OK, (await manager.GetAsync(url)).StatusCode);
        Assert.True((await owner.PostAsync($"/api/v1/conversations/{conversationId}/accept", null)).IsSuccessStatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await manager.GetAsync(url)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsVisitorAsync(http, url, stranger.Token)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync(url)).StatusCode);
    }

    private static async Task<HttpResponseMessage> UploadAsync(HttpClient http, WidgetChannel channel, string? visitorToken, string fileName, byte[] bytes)
    {
        using var form = new MultipartFormDataContent();
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(content, "file", fileName);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/widget/{channel.PublicToken}/attachments") { Content = form };
        if (visitorToken is not null) request.Headers.Add("X-Parley-Visitor", visitorToken);
        return await http.SendAsync(request);
    }

    private static async Task<HttpResponseMessage> GetAsVisitorAsync(HttpClient http, string url, string? visitorToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Add("X-Parley-Visitor", visitorToken);
        return await http.SendAsync(request);
    }
}

public sealed class WidgetApiTests_Sqlite(SqliteApp app) : WidgetApiTests<SqliteApp>(app);

public sealed class WidgetApiTests_Postgres(PostgresApp app) : WidgetApiTests<PostgresApp>(app);
