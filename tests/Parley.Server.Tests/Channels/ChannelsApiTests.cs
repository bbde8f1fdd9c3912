using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Parley.Server.Tests.Infrastructure;
using static Parley.Server.Tests.Infrastructure.Api;

namespace Parley.Server.Tests.Channels;

/// <summary>Connecting channels, their secrets, and the API channel's inbound endpoint; health and OpenAPI.</summary>
public abstract class ChannelsApiTests<TApp>(TApp app) : IClassFixture<TApp>
    where TApp : ParleyApp
{
    private static string NewClientId(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..8];

    private static async Task<List<JsonElement>> ChannelsAsync(HttpClient http) => [.. (await GetJsonAsync(http, "/api/v1/channels")).EnumerateArray()];

    [Fact]
    public async Task CreateChannel_ApiWithoutWebhookUrl_400NamingWebhookUrlAndNothingAdded()
    {
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        var before = (await ChannelsAsync(owner)).Count;

        var response = await owner.PostAsJsonAsync("/api/v1/channels", new { type = "api", name = "No hook" });

        var errors = (await AssertProblemAsync(response, HttpStatusCode.BadRequest)).GetProperty("errors");
        Assert.Contains("needs 'webhookUrl'", errors.GetProperty("webhookUrl")[0].GetString());
        Assert.Equal(before, (await ChannelsAsync(owner)).Count);
    }

    [Theory]
    [InlineData("ftp://example.com/hook")]
    [InlineData("not a url")]
    public async Task CreateChannel_ApiWithBadWebhookUrl_400NamingWebhookUrl(string webhookUrl)
    {
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);

        var response = await owner.PostAsJsonAsync("/api/v1/channels", new { type = "api", name = "Bad hook", webhookUrl });

        Assert.Contains("absolute http(s) URL", (await AssertProblemAsync(response, HttpStatusCode.BadRequest)).GetProperty("errors").GetProperty("webhookUrl")[0].GetString());
    }

    [Theory]
    [InlineData("fax")]
    [InlineData("1")]
    public async Task CreateChannel_UnknownType_400NamingTypeAndNothingAdded(string type)
    {
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        var before = (await ChannelsAsync(owner)).Count;

        var response = await owner.PostAsJsonAsync("/api/v1/channels", new { type, name = "Fax line", webhookUrl = "https://example.com/hook" });

        var errors = (await AssertProblemAsync(response, HttpStatusCode.BadRequest)).GetProperty("errors");
        Assert.Contains("telegram", errors.GetProperty("type")[0].GetString());
        Assert.Equal(before, (await ChannelsAsync(owner)).Count);
    }

    [Fact]
    public async Task CreateChannel_Supervisor_201WithSecret()
    {
        using var supervisor = await app.SignInAsync(ParleyApp.SupervisorEmail);

        var response = await supervisor.PostAsJsonAsync("/api/v1/channels", new { type = "api", name = "Supervisor CRM", webhookUrl = "https://example.com/hook" });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await Json(response);
        Assert.Equal("api", body.GetProperty("type").GetString());
        Assert.Equal(64, body.GetProperty("secret").GetString()!.Length);
        Assert.True(body.GetProperty("isEnabled").GetBoolean());
    }

    [Fact]
    public async Task CreateChannel_Manager_403AndNothingAdded()
    {
        using var manager = await app.SignInAsync(ParleyApp.ManagerEmail);
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        var before = (await ChannelsAsync(owner)).Count;

        var response = await manager.PostAsJsonAsync("/api/v1/channels", new { type = "api", name = "Manager hook", webhookUrl = "https://example.com/hook" });

        Assert.Contains("owner or a supervisor", (await AssertProblemAsync(response, HttpStatusCode.Forbidden)).GetProperty("detail").GetString());
        Assert.Equal(before, (await ChannelsAsync(owner)).Count);
    }

    [Fact]
    public async Task ListChannels_Manager_SeesChannelsWithoutSecrets()
    {
        await using var hook = await WebhookReceiver.StartAsync();
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        using var manager = await app.SignInAsync(ParleyApp.ManagerEmail);
        var channel = await CreateApiChannelAsync(owner, hook.Url, "Secretive shop");

        var list = await manager.GetAsync("/api/v1/channels");
        var one = await manager.GetAsync($"/api/v1/channels/{channel.Id}");

        var listText = await list.Content.ReadAsStringAsync();
        var oneText = await one.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        Assert.Equal(HttpStatusCode.OK, one.StatusCode);
        Assert.DoesNotContain(channel.Secret, listText);
        Assert.DoesNotContain(channel.Secret, oneText);
        var channels = JsonDocument.Parse(listText).RootElement.EnumerateArray().ToList();
        Assert.Contains(channels, c => c.GetProperty("id").GetString() == channel.Id && c.GetProperty("name").GetString() == "Secretive shop");
        Assert.All(channels, c => Assert.True(!c.TryGetProperty("secret", out var s) || s.ValueKind == JsonValueKind.Null));
        Assert.Equal(channel.Secret, (await GetJsonAsync(owner, $"/api/v1/channels/{channel.Id}")).GetProperty("secret").GetString());
    }

    [Fact]
    public async Task PatchChannel_ManagerRename_403AndUnchanged()
    {
        await using var hook = await WebhookReceiver.StartAsync();
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        using var manager = await app.SignInAsync(ParleyApp.ManagerEmail);
        var channel = await CreateApiChannelAsync(owner, hook.Url, "Keep my name");

        var rename = await manager.PatchAsJsonAsync($"/api/v1/channels/{channel.Id}", new { name = "Renamed", rotateSecret = true });
        var disable = await manager.DeleteAsync($"/api/v1/channels/{channel.Id}");

        await AssertProblemAsync(rename, HttpStatusCode.Forbidden);
        await AssertProblemAsync(disable, HttpStatusCode.Forbidden);
        var stored = await GetJsonAsync(owner, $"/api/v1/channels/{channel.Id}");
        Assert.Equal("Keep my name", stored.GetProperty("name").GetString());
        Assert.Equal(channel.Secret, stored.GetProperty("secret").GetString());
        Assert.True(stored.GetProperty("isEnabled").GetBoolean());
    }

    [Fact]
    public async Task RotateSecret_OldSecretRefusedOnInbound_NewOneAccepted()
    {
        await using var hook = await WebhookReceiver.StartAsync();
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        using var anonymous = app.CreateClient();
        var channel = await CreateApiChannelAsync(owner, hook.Url);

        var rotated = await owner.PatchAsJsonAsync($"/api/v1/channels/{channel.Id}", new { rotateSecret = true });

        Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
        var newSecret = (await Json(rotated)).GetProperty("secret").GetString()!;
        Assert.NotEqual(channel.Secret, newSecret);
        Assert.Equal(newSecret, (await GetJsonAsync(owner, $"/api/v1/channels/{channel.Id}")).GetProperty("secret").GetString());
        var old = await InboundAsync(anonymous, channel, new { clientId = NewClientId("rotate"), text = "With the old secret" });
        Assert.Contains("X-Parley-Channel-Secret", (await AssertProblemAsync(old, HttpStatusCode.Unauthorized)).GetProperty("detail").GetString());
        Assert.Empty((await GetJsonAsync(owner, "/api/v1/conversations?q=With%20the%20old%20secret")).GetProperty("items").EnumerateArray());
        var (conversationId, _) = await ClientSaysAsync(anonymous, channel with { Secret = newSecret }, NewClientId("rotate"), "With the new secret");
        Assert.Equal("new", (await ConversationAsync(owner, conversationId)).GetProperty("folder").GetString());
        Assert.True(WebhookReceiver.IsSignedWith(await hook.NextAsync(), newSecret));
    }

    [Fact]
    public async Task Inbound_DisabledChannel_403WithReasonAndNothingCreated()
    {
        await using var hook = await WebhookReceiver.StartAsync();
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        using var anonymous = app.CreateClient();
        var channel = await CreateApiChannelAsync(owner, hook.Url);

        Assert.Equal(HttpStatusCode.NoContent, (await owner.DeleteAsync($"/api/v1/channels/{channel.Id}")).StatusCode);
        Assert.False((await GetJsonAsync(owner, $"/api/v1/channels/{channel.Id}")).GetProperty("isEnabled").GetBoolean());
        var response = await InboundAsync(anonymous, channel, new { clientId = NewClientId("disabled"), text = "Into a disabled channel" });

        Assert.Contains("disabled", (await AssertProblemAsync(response, HttpStatusCode.Forbidden)).GetProperty("detail").GetString());
        Assert.Empty((await GetJsonAsync(owner, "/api/v1/conversations?q=Into%20a%20disabled%20channel")).GetProperty("items").EnumerateArray());

        Assert.Equal(HttpStatusCode.OK, (await owner.PatchAsJsonAsync($"/api/v1/channels/{channel.Id}", new { isEnabled = true })).StatusCode);
        await ClientSaysAsync(anonymous, channel, NewClientId("enabled"), "Enabled again");
    }

    [Fact]
    public async Task Inbound_MissingClientId_400NamingClientId()
    {
        await using var hook = await WebhookReceiver.StartAsync();
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        using var anonymous = app.CreateClient();
        var channel = await CreateApiChannelAsync(owner, hook.Url);

        var response = await InboundAsync(anonymous, channel, new { text = "Who am I?" });

        var errors = (await AssertProblemAsync(response, HttpStatusCode.BadRequest)).GetProperty("errors");
        Assert.Contains("required", errors.GetProperty("clientId")[0].GetString());
        Assert.False(errors.TryGetProperty("text", out _));
    }

    [Fact]
    public async Task Inbound_NeitherTextNorButton_400NamingText()
    {
        await using var hook = await WebhookReceiver.StartAsync();
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        using var anonymous = app.CreateClient();
        var channel = await CreateApiChannelAsync(owner, hook.Url);
        var clientId = NewClientId("empty");

        var response = await InboundAsync(anonymous, channel, new { clientId, text = "   " });

        Assert.Contains("buttonPayload", (await AssertProblemAsync(response, HttpStatusCode.BadRequest)).GetProperty("errors").GetProperty("text")[0].GetString());
        Assert.Empty((await GetJsonAsync(owner, $"/api/v1/conversations?q={clientId}")).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task Inbound_BadLanguage_400NamingLanguage()
    {
        await using var hook = await WebhookReceiver.StartAsync();
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        using var anonymous = app.CreateClient();
        var channel = await CreateApiChannelAsync(owner, hook.Url);

        var response = await InboundAsync(anonymous, channel, new { clientId = NewClientId("lang"), text = "Hi", language = "12345" });

        Assert.True((await AssertProblemAsync(response, HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("language", out _));
    }

    [Fact]
    public async Task Inbound_UnknownChannel_401()
    {
        using var anonymous = app.CreateClient();

        var response = await InboundAsync(anonymous, new ApiChannel(Guid.NewGuid().ToString(), "whatever"), new { clientId = "x", text = "Hi" });

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Health_Anonymous_200Healthy()
    {
        using var anonymous = app.CreateClient();

        var response = await anonymous.GetAsync("/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("healthy", (await Json(response)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task OpenApi_Anonymous_200DescribesConversations()
    {
        using var anonymous = app.CreateClient();

        var response = await anonymous.GetAsync("/openapi/v1.json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var document = await Json(response);
        Assert.True(document.GetProperty("paths").TryGetProperty("/api/v1/conversations", out _));
        Assert.Contains("/api/v1/conversations", await response.Content.ReadAsStringAsync());
    }
}

public sealed class ChannelsApiTests_Sqlite(SqliteApp app) : ChannelsApiTests<SqliteApp>(app);

public sealed class ChannelsApiTests_Postgres(PostgresApp app) : ChannelsApiTests<PostgresApp>(app);
