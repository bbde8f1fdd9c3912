using System.Net;
using Microsoft.AspNetCore.Hosting;
using Parley.Server.Tests.Channels.Messengers;
using Parley.Server.Tests.Channels.Meta;
using Parley.Server.Tests.Channels.Telegram;
using Parley.Server.Tests.Infrastructure;
using static Parley.Server.Tests.Files.FilesKit;
using static Parley.Server.Tests.Infrastructure.Api;

namespace Parley.Server.Tests.Files;

/// <summary>A manager's files reaching messengers: Telegram gets the bytes, Meta a signed link on the public address that it downloads.</summary>
public abstract class FileDeliveryTests<TApp>(TApp app) : IClassFixture<TApp>
    where TApp : MessengerApp
{
    [Fact]
    public async Task Telegram_PhotoAndDocument_ArriveAsMultipartSendPhotoAndSendDocument()
    {
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        var bot = await TelegramKit.ConnectAsync(app, owner);
        var user = TgUser.New();
        await TelegramKit.PushOkAsync(app, bot, TelegramKit.Message(user, "Скиньте фото товару"));
        var conversationId = (await Eventually.ConversationOfChannelAsync(owner, bot.ChannelId))!.Value.GetProperty("id").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await owner.PostAsync($"/api/v1/conversations/{conversationId}/accept", null)).StatusCode);
        var photo = await UploadOkAsync(owner, "товар.png", Png);
        var manual = await UploadOkAsync(owner, "manual.pdf", Pdf);

        var message = await SendOkAsync(owner, conversationId, "Ось фото та інструкція", photo, manual);

        var sentPhoto = Assert.Single(await app.Telegram.WaitForAsync("sendPhoto", user.Id));
        var sentDocument = Assert.Single(await app.Telegram.WaitForAsync("sendDocument", user.Id));
        // Uploaded as multipart parts: the field says attach://<part>, and the part carries the bytes under the file's name.
        var photoPart = sentPhoto.Body["photo"]!.ToString().Replace("attach://", "", StringComparison.Ordinal);
        var documentPart = sentDocument.Body["document"]!.ToString().Replace("attach://", "", StringComparison.Ordinal);
        Assert.Equal($"<file товар.png {Png.Length} bytes>", sentPhoto.Body[photoPart]?.ToString());
        Assert.Equal($"<file manual.pdf {Pdf.Length} bytes>", sentDocument.Body[documentPart]?.ToString());
        Assert.Single(await app.Telegram.WaitForAsync("sendMessage", user.Id, where: c => c.Text == "Ось фото та інструкція"));
        var id = message.GetProperty("id").GetString();
        await Eventually.MessageAsync(owner, conversationId, m => m.GetProperty("id").GetString() == id && m.GetProperty("deliveryStatus").GetString() == "sent", "the files delivered");
    }

    [Fact]
    public async Task Instagram_Image_SentAsASignedPublicLinkThatDownloadsAndRefusesTampering()
    {
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        var (conversationId, senderId) = await ActiveChatAsync(owner, "instagram");
        var photo = await UploadOkAsync(owner, "size-chart.png", Png);

        await SendOkAsync(owner, conversationId, "", photo);

        var sent = (await app.Graph.WaitForAsync(senderId, 3))[^1];
        var attachment = sent.Body["message"]!["attachment"]!;
        Assert.Equal("image", attachment["type"]!.ToString());
        var link = new Uri(attachment["payload"]!["url"]!.ToString());
        Assert.Equal(MessengerApp.PublicBaseUrl, link.GetLeftPart(UriPartial.Authority));
        Assert.Equal($"/api/v1/files/{Guid.Parse(photo):N}", link.AbsolutePath);
        using var meta = app.CreateClient();
        var download = await meta.GetAsync(link.PathAndQuery);
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal(Png, await download.Content.ReadAsByteArrayAsync());
        Assert.Equal("image/png", download.Content.Headers.ContentType?.MediaType);
        await AssertProblemAsync(await meta.GetAsync(Tampered(link.PathAndQuery)), HttpStatusCode.Forbidden);
        await AssertProblemAsync(await meta.GetAsync(link.AbsolutePath), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task WhatsApp_Document_SentAsLinkWithItsFileName()
    {
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        var (conversationId, senderId) = await ActiveChatAsync(owner, "whatsapp");
        var manual = await UploadOkAsync(owner, "manual.pdf", Pdf);

        await SendOkAsync(owner, conversationId, "Інструкція", manual);

        var sent = await app.Graph.WaitForAsync(senderId, 4);
        var document = sent[^2].Body;
        Assert.Equal("document", document["type"]!.ToString());
        Assert.Equal("manual.pdf", document["document"]!["filename"]!.ToString());
        var link = new Uri(document["document"]!["link"]!.ToString());
        using var meta = app.CreateClient();
        Assert.Equal(Pdf, await meta.GetByteArrayAsync(link.PathAndQuery));
        Assert.Equal("Інструкція", sent[^1].Text);
    }

    /// <summary>A Meta channel, a client's first message, the conversation accepted; greeting and "joined" delivered.</summary>
    private async Task<(string ConversationId, string SenderId)> ActiveChatAsync(HttpClient owner, string type)
    {
        var channel = await MetaKit.ConnectAsync(app, owner, type);
        var senderId = type == "whatsapp" ? "380" + Random.Shared.NextInt64(100_000_000, 999_999_999) : "S" + Guid.NewGuid().ToString("N")[..14];
        var body = type == "whatsapp"
            ? MetaKit.WhatsApp(channel, [MetaKit.WhatsAppText(senderId, "wamid.IN" + senderId, "Добрий день")], name: "Client", waId: senderId)
            : MetaKit.Messaging(channel, MetaKit.Text(channel, senderId, "m_first_" + senderId, "Добрий день"));
        await MetaKit.PostOkAsync(app, channel, body);
        var conversationId = (await Eventually.ConversationOfChannelAsync(owner, channel.ChannelId))!.Value.GetProperty("id").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await owner.PostAsync($"/api/v1/conversations/{conversationId}/accept", null)).StatusCode);
        await app.Graph.WaitForAsync(senderId, 2);
        return (conversationId, senderId);
    }
}

public sealed class FileDeliveryTests_Sqlite(MessengerSqliteApp app) : FileDeliveryTests<MessengerSqliteApp>(app);

public sealed class FileDeliveryTests_Postgres(MessengerPostgresApp app) : FileDeliveryTests<MessengerPostgresApp>(app);

/// <summary>Meta cannot download from a server without a public https address: the manager is told why, nothing crashes.</summary>
public abstract class FileDeliveryWithoutPublicAddressTests<TApp>(TApp app) : IClassFixture<TApp>
    where TApp : MessengerApp
{
    [Fact]
    public async Task Instagram_FileWithoutHttpsPublicAddress_FailedWithAReasonAndNothingSent()
    {
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        var channel = await MetaKit.ConnectAsync(app, owner, "instagram");
        var senderId = "S" + Guid.NewGuid().ToString("N")[..14];
        await MetaKit.PostOkAsync(app, channel, MetaKit.Messaging(channel, MetaKit.Text(channel, senderId, "m_first_" + senderId, "Добрий день")));
        var conversationId = (await Eventually.ConversationOfChannelAsync(owner, channel.ChannelId))!.Value.GetProperty("id").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await owner.PostAsync($"/api/v1/conversations/{conversationId}/accept", null)).StatusCode);
        var sentBefore = (await app.Graph.WaitForAsync(senderId, 2)).Count;
        var photo = await UploadOkAsync(owner, "photo.png", Png);

        var id = (await SendOkAsync(owner, conversationId, "Фото", photo)).GetProperty("id").GetString();

        var failed = await Eventually.MessageAsync(owner, conversationId, m => m.GetProperty("id").GetString() == id && m.GetProperty("deliveryStatus").GetString() == "failed", "the failed delivery");
        var reason = failed.GetProperty("deliveryError").GetString();
        Assert.Contains("no public https address", reason);
        Assert.Contains("Parley:PublicBaseUrl", reason);
        Assert.Equal(sentBefore, app.Graph.SentTo(senderId).Count);
    }
}

public sealed class NoPublicAddressSqliteApp : MessengerApp
{
    protected override Provider Provider => Provider.Sqlite;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Parley:PublicBaseUrl", "http://parley.internal");
    }
}

public sealed class NoPublicAddressPostgresApp : MessengerApp
{
    protected override Provider Provider => Provider.Postgres;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Parley:PublicBaseUrl", "http://parley.internal");
    }
}

public sealed class FileDeliveryWithoutPublicAddressTests_Sqlite(NoPublicAddressSqliteApp app) : FileDeliveryWithoutPublicAddressTests<NoPublicAddressSqliteApp>(app);

public sealed class FileDeliveryWithoutPublicAddressTests_Postgres(NoPublicAddressPostgresApp app) : FileDeliveryWithoutPublicAddressTests<NoPublicAddressPostgresApp>(app);
