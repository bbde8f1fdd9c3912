using System.Net;
using System.Net.Http.Json;
using Parley.Server.Files;
using Parley.Server.Tests.Channels.Widget;
using Parley.Server.Tests.Infrastructure;
using static Parley.Server.Tests.Files.FilesKit;
using static Parley.Server.Tests.Infrastructure.Api;

namespace Parley.Server.Tests.Files;

/// <summary>Team members' files: upload, the limits, company isolation, sending by id, and who may open them afterwards.</summary>
public abstract class FilesApiTests<TApp>(TApp app) : IClassFixture<TApp>
    where TApp : FilesApp
{
    [Fact]
    public async Task Upload_ImageByManager_DescribedAndOpenedByTheCompanyOnly()
    {
        using var manager = await app.SignInAsync(ParleyApp.ManagerEmail);
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        using var rival = await app.RivalOwnerAsync();
        using var anonymous = app.CreateClient();

        var response = await UploadAsync(manager, "../Прайс 2026.png", Png);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var file = await Json(response);
        var id = file.GetProperty("id").GetString()!;
        Assert.Equal("Прайс 2026.png", file.GetProperty("fileName").GetString());
        Assert.Equal("image/png", file.GetProperty("contentType").GetString());
        Assert.Equal(Png.Length, file.GetProperty("size").GetInt64());
        var url = file.GetProperty("url").GetString()!;
        Assert.Equal($"/api/v1/files/{Guid.Parse(id):N}", url);
        Assert.Equal(url, response.Headers.Location?.OriginalString);
        Assert.Equal(Png, await (await owner.GetAsync(url)).Content.ReadAsByteArrayAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await rival.GetAsync(url)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync(url)).StatusCode);
    }

    [Fact]
    public async Task Upload_TooLargeWrongTypeEmptyOrNoFile_ProblemAndNothingStored()
    {
        using var manager = await app.SignInAsync(ParleyApp.ManagerEmail);
        using var anonymous = app.CreateClient();
        var before = app.StoredCount;

        var tooLarge = await AssertProblemAsync(await UploadAsync(manager, "scan.pdf", new byte[(10 * 1024 * 1024) + 1]), HttpStatusCode.RequestEntityTooLarge);
        var wrongType = await AssertProblemAsync(await UploadAsync(manager, "page.html", "<script>alert(1)</script>"u8.ToArray()), HttpStatusCode.BadRequest);
        var empty = await AssertProblemAsync(await UploadAsync(manager, "empty.txt", []), HttpStatusCode.BadRequest);
        using var otherField = new MultipartFormDataContent { { new ByteArrayContent(Png), "picture", "photo.png" } };
        var noFile = await AssertProblemAsync(await manager.PostAsync("/api/v1/files", otherField), HttpStatusCode.BadRequest);
        // A URL instead of a file is not taken: the server stores only what it was given.
        await AssertProblemAsync(await manager.PostAsJsonAsync("/api/v1/files", new { url = "https://evil.example/x.png" }), HttpStatusCode.UnsupportedMediaType);
        var signedOut = await UploadAsync(anonymous, "photo.png", Png);

        Assert.Contains("at most 10 MB", tooLarge.GetProperty("detail").GetString());
        Assert.Contains("cannot be sent", wrongType.GetProperty("detail").GetString());
        Assert.Contains("empty", empty.GetProperty("detail").GetString());
        foreach (var problem in new[] { tooLarge, wrongType, empty, noFile }) Assert.True(problem.GetProperty("errors").TryGetProperty("file", out _));
        Assert.Equal(HttpStatusCode.Unauthorized, signedOut.StatusCode);
        Assert.Equal(before, app.StoredCount);
    }

    [Fact]
    public async Task Send_AttachmentsOnly_StoredOnTheMessageAndTheApiWebhookGetsASignedLinkThatDownloads()
    {
        await using var hook = await WebhookReceiver.StartAsync();
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        using var anonymous = app.CreateClient();
        var channel = await CreateApiChannelAsync(owner, hook.Url);
        var (conversationId, _) = await ClientSaysAsync(anonymous, channel, "files-" + Guid.NewGuid().ToString("N")[..8], "Надішліть прайс");
        Assert.Equal(HttpStatusCode.OK, (await owner.PostAsync($"/api/v1/conversations/{conversationId}/accept", null)).StatusCode);
        var pdf = await UploadOkAsync(owner, "prices.pdf", Pdf);
        var png = await UploadOkAsync(owner, "shop.png", Png);

        var message = await SendOkAsync(owner, conversationId, "", pdf, png);

        Assert.Equal("", message.GetProperty("text").GetString());
        Assert.Equal(["prices.pdf", "shop.png"], message.GetProperty("attachments").EnumerateArray().Select(a => a.GetProperty("fileName").GetString()));
        var stored = (await MessagesAsync(owner, conversationId)).Single(m => m.GetProperty("id").GetString() == message.GetProperty("id").GetString());
        Assert.Equal($"/api/v1/files/{Guid.Parse(pdf):N}", stored.GetProperty("attachments")[0].GetProperty("url").GetString());
        var delivered = (await hook.UntilAsync(r => r.Body.GetProperty("authorKind").GetString() == "manager"))[^1];
        var files = delivered.Body.GetProperty("attachments").EnumerateArray().ToList();
        Assert.Equal(["application/pdf", "image/png"], files.Select(f => f.GetProperty("contentType").GetString()));
        var link = files[0].GetProperty("url").GetString()!;
        Assert.StartsWith($"/api/v1/files/{Guid.Parse(pdf):N}?expires=", link, StringComparison.Ordinal);
        var download = await anonymous.GetAsync(link);
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal(Pdf, await download.Content.ReadAsByteArrayAsync());
        Assert.Equal("prices.pdf", download.Content.Headers.ContentDisposition?.FileName);
        await AssertProblemAsync(await anonymous.GetAsync(Tampered(link)), HttpStatusCode.Forbidden);
        var expired = app.Service<FileLinks>().PathFor(Guid.Parse(pdf), app.Time.GetUtcNow().AddSeconds(-1));
        await AssertProblemAsync(await anonymous.GetAsync(expired), HttpStatusCode.Forbidden);
        // A link signed for one file opens no other.
        await AssertProblemAsync(await anonymous.GetAsync(link.Replace($"{Guid.Parse(pdf):N}", $"{Guid.Parse(png):N}", StringComparison.Ordinal)), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Send_UnknownOtherCompanysOrTooManyIds_ProblemAndNothingChanges()
    {
        await using var hook = await WebhookReceiver.StartAsync();
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        using var rival = await app.RivalOwnerAsync();
        using var anonymous = app.CreateClient();
        var channel = await CreateApiChannelAsync(owner, hook.Url);
        var (conversationId, _) = await ClientSaysAsync(anonymous, channel, "ids-" + Guid.NewGuid().ToString("N")[..8], "Привіт");
        var (otherConversationId, _) = await ClientSaysAsync(anonymous, channel, "ids-" + Guid.NewGuid().ToString("N")[..8], "Інший клієнт");
        Assert.Equal(HttpStatusCode.OK, (await owner.PostAsync($"/api/v1/conversations/{conversationId}/accept", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await owner.PostAsync($"/api/v1/conversations/{otherConversationId}/accept", null)).StatusCode);
        var rivals = await UploadOkAsync(rival, "rival.pdf", Pdf);
        var mine = await UploadOkAsync(owner, "mine.pdf", Pdf);
        await SendOkAsync(owner, otherConversationId, "Для іншого", mine);
        var fresh = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => UploadOkAsync(owner, $"f{i}.txt", "x"u8.ToArray())));
        var before = (await MessagesAsync(owner, conversationId)).Count;

        var foreign = await AssertProblemAsync(await SendAsync(owner, conversationId, "Ось", rivals), HttpStatusCode.BadRequest);
        var unknown = await AssertProblemAsync(await SendAsync(owner, conversationId, "Ось", Guid.NewGuid().ToString()), HttpStatusCode.BadRequest);
        var elsewhere = await AssertProblemAsync(await SendAsync(owner, conversationId, "Ось", mine), HttpStatusCode.BadRequest);
        var tooMany = await AssertProblemAsync(await SendAsync(owner, conversationId, "Ось", fresh), HttpStatusCode.BadRequest);
        var nothing = await AssertProblemAsync(await SendAsync(owner, conversationId, "  "), HttpStatusCode.BadRequest);

        // Another company's file gets the very answer an unknown id gets: ids cannot be probed.
        Assert.Equal($"The attached file {rivals} was not found; upload it again.", foreign.GetProperty("detail").GetString());
        Assert.EndsWith("was not found; upload it again.", unknown.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal($"The attached file {mine} was not found; upload it again.", elsewhere.GetProperty("detail").GetString());
        Assert.True(tooMany.GetProperty("errors").TryGetProperty("attachmentIds", out _));
        Assert.True(nothing.GetProperty("errors").TryGetProperty("text", out _));
        Assert.Equal(before, (await MessagesAsync(owner, conversationId)).Count);
        // The rival's file is untouched: still theirs to send, still closed to us.
        Assert.Equal(HttpStatusCode.NotFound, (await owner.GetAsync($"/api/v1/files/{Guid.Parse(rivals):N}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await rival.GetAsync($"/api/v1/files/{Guid.Parse(rivals):N}")).StatusCode);
    }

    [Fact]
    public async Task Send_ToWidgetVisitor_VisitorOpensTheFileButNotOneFromAPrivateNote()
    {
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        using var manager = await app.SignInAsync(ParleyApp.ManagerEmail);
        var channel = await WidgetChannel.CreateAsync(owner);
        await using var visitor = await VisitorClient.JoinAsync(app, channel);
        await using var stranger = await VisitorClient.JoinAsync(app, channel);
        using var http = app.CreateClient();
        var conversationId = (await visitor.SendAsync("Можна рахунок?")).GetProperty("conversationId").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await owner.PostAsync($"/api/v1/conversations/{conversationId}/accept", null)).StatusCode);
        var invoice = await UploadOkAsync(owner, "invoice.pdf", Pdf);
        var internalNote = await UploadOkAsync(owner, "margin.png", Png);

        await SendOkAsync(owner, conversationId, "Ось рахунок", invoice);
        var note = await owner.PostAsJsonAsync($"/api/v1/conversations/{conversationId}/messages", new { text = "Наша маржа", isPrivateNote = true, attachmentIds = new[] { internalNote } });
        Assert.Equal(HttpStatusCode.Created, note.StatusCode);

        var shown = await visitor.WaitAsync("message", m => m.GetProperty("text").GetString() == "Ось рахунок");
        var url = shown.GetProperty("attachments")[0].GetProperty("url").GetString()!;
        Assert.Equal("invoice.pdf", shown.GetProperty("attachments")[0].GetProperty("fileName").GetString());
        var asVisitor = await GetAsVisitorAsync(http, url, visitor.Token);
        Assert.Equal(HttpStatusCode.OK, asVisitor.StatusCode);
        Assert.Equal(Pdf, await asVisitor.Content.ReadAsByteArrayAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsVisitorAsync(http, url, stranger.Token)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsVisitorAsync(http, $"/api/v1/files/{Guid.Parse(internalNote):N}", visitor.Token)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await owner.GetAsync($"/api/v1/files/{Guid.Parse(internalNote):N}")).StatusCode);
        // Sent in the owner's conversation, the file is for those who see it: no longer for every manager.
        Assert.Equal(HttpStatusCode.NotFound, (await manager.GetAsync(url)).StatusCode);
    }

    [Fact]
    public async Task OpenApi_UploadAndAttachmentIds_Described()
    {
        using var anonymous = app.CreateClient();

        var document = await GetJsonAsync(anonymous, "/openapi/v1.json");

        var files = document.GetProperty("paths").GetProperty("/api/v1/files");
        Assert.True(files.GetProperty("post").GetProperty("requestBody").GetProperty("content").TryGetProperty("multipart/form-data", out _));
        Assert.True(files.GetProperty("post").GetProperty("responses").TryGetProperty("201", out _));
        Assert.True(document.GetProperty("paths").GetProperty("/api/v1/files/{id}").TryGetProperty("get", out _));
        var send = document.GetProperty("components").GetProperty("schemas").EnumerateObject().Single(s => s.Name.EndsWith("SendRequest", StringComparison.Ordinal)
            && s.Value.GetProperty("properties").TryGetProperty("isPrivateNote", out _));
        Assert.True(send.Value.GetProperty("properties").TryGetProperty("attachmentIds", out _));
        Assert.False(send.Value.GetProperty("properties").TryGetProperty("attachments", out _));
    }

    private static async Task<HttpResponseMessage> GetAsVisitorAsync(HttpClient http, string url, string? visitorToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Add("X-Parley-Visitor", visitorToken);
        return await http.SendAsync(request);
    }
}

public sealed class FilesApiTests_Sqlite(FilesSqliteApp app) : FilesApiTests<FilesSqliteApp>(app);

public sealed class FilesApiTests_Postgres(FilesPostgresApp app) : FilesApiTests<FilesPostgresApp>(app);
