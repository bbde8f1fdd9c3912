using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Parley.Domain.Companies;
using Parley.Server.Tests.Infrastructure;
using static Parley.Server.Tests.Infrastructure.Api;

namespace Parley.Server.Tests.Team;

/// <summary>No data ever crosses between companies: another company's ids do not exist for a member.</summary>
public abstract class TenantIsolationTests<TApp>(TApp app) : IClassFixture<TApp>
    where TApp : ParleyApp
{
    private sealed record DemoData(
        ApiChannel Channel, string ConversationId, string ClientId, string MessageId, string TopicId, string TagId, string QuickReplyId, string MemberId,
        string[] Secrets);

    private async Task<DemoData> DemoCompanyDataAsync(HttpClient owner, WebhookReceiver hook)
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        using var anonymous = app.CreateClient();
        var channel = await CreateApiChannelAsync(owner, hook.Url, "Secret shop " + suffix);
        var clientName = "Zoryana Secretclient " + suffix;
        var (conversationId, _) = await ClientSaysAsync(anonymous, channel, "tenant-" + suffix, "My card number is secret-" + suffix, "uk", clientName);
        Assert.Equal(HttpStatusCode.OK, (await owner.PostAsync($"/api/v1/conversations/{conversationId}/accept", null)).StatusCode);
        var message = await owner.PostAsJsonAsync($"/api/v1/conversations/{conversationId}/messages", new { text = "Owner reply secret-" + suffix });
        Assert.Equal(HttpStatusCode.Created, message.StatusCode);
        var messageId = (await Json(message)).GetProperty("id").GetString()!;
        var topic = await owner.PostAsJsonAsync("/api/v1/topics", new { name = "Secret topic " + suffix });
        var tag = await owner.PostAsJsonAsync("/api/v1/tags", new { name = "Secret tag " + suffix });
        var reply = await owner.PostAsJsonAsync("/api/v1/quick-replies", new { shortcut = "secret" + suffix, title = "Secret reply " + suffix, variants = new { uk = "Secret text " + suffix } });
        Assert.Equal(HttpStatusCode.Created, topic.StatusCode);
        Assert.Equal(HttpStatusCode.Created, tag.StatusCode);
        Assert.Equal(HttpStatusCode.Created, reply.StatusCode);
        var clientId = (await ConversationAsync(owner, conversationId)).GetProperty("clientId").GetString()!;
        Assert.Equal(HttpStatusCode.Created, (await owner.PostAsJsonAsync($"/api/v1/clients/{clientId}/notes", new { text = "Secret note " + suffix })).StatusCode);
        var tagId = (await Json(tag)).GetProperty("id").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await owner.PutAsJsonAsync($"/api/v1/clients/{clientId}/tags", new { tagIds = new[] { tagId } })).StatusCode);
        return new DemoData(
            channel, conversationId, clientId, messageId, (await Json(topic)).GetProperty("id").GetString()!, tagId,
            (await Json(reply)).GetProperty("id").GetString()!, await MemberIdAsync(owner),
            [suffix, clientName, "Olena Owner", ParleyApp.OwnerEmail, channel.Secret]);
    }

    private static async Task AssertHiddenAsync(HttpResponseMessage response, DemoData data, string what)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{what}: expected 404, got {(int)response.StatusCode}: {text}");
        foreach (var secret in data.Secrets) Assert.DoesNotContain(secret, text, StringComparison.OrdinalIgnoreCase);
        foreach (var id in new[] { data.ConversationId, data.ClientId, data.MessageId }) Assert.DoesNotContain(id, text, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task EveryEndpoint_OtherCompanysIds_404WithoutTheirData()
    {
        await using var hook = await WebhookReceiver.StartAsync();
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        var data = await DemoCompanyDataAsync(owner, hook);
        using var rival = await app.RivalOwnerAsync();
        var rivalId = await MemberIdAsync(rival);
        var c = $"/api/v1/conversations/{data.ConversationId}";
        var cl = $"/api/v1/clients/{data.ClientId}";

        var requests = new List<(string What, Func<Task<HttpResponseMessage>> Send)>
        {
            ("GET conversation", () => rival.GetAsync(c)),
            ("GET messages", () => rival.GetAsync(c + "/messages")),
            ("GET history", () => rival.GetAsync(c + "/history")),
            ("POST message", () => rival.PostAsJsonAsync(c + "/messages", new { text = "hijack" })),
            ("POST private note", () => rival.PostAsJsonAsync(c + "/messages", new { text = "hijack", isPrivateNote = true })),
            ("POST accept", () => rival.PostAsync(c + "/accept", null)),
            ("POST finish", () => rival.PostAsync(c + "/finish", null)),
            ("POST transfer", () => rival.PostAsJsonAsync(c + "/transfer", new { managerId = rivalId })),
            ("POST reopen", () => rival.PostAsync(c + "/reopen", null)),
            ("POST read", () => rival.PostAsync(c + "/read", null)),
            ("PUT topics", () => rival.PutAsJsonAsync(c + "/topics", new { topicIds = Array.Empty<string>() })),
            ("PATCH message", () => rival.PatchAsJsonAsync($"/api/v1/messages/{data.MessageId}", new { text = "hijack" })),
            ("DELETE message", () => rival.DeleteAsync($"/api/v1/messages/{data.MessageId}")),
            ("GET client", () => rival.GetAsync(cl)),
            ("PATCH client", () => rival.PatchAsJsonAsync(cl, new { name = "hijack", email = "hijack@rival.test" })),
            ("GET client notes", () => rival.GetAsync(cl + "/notes")),
            ("POST client note", () => rival.PostAsJsonAsync(cl + "/notes", new { text = "hijack" })),
            ("PUT client tags", () => rival.PutAsJsonAsync(cl + "/tags", new { tagIds = Array.Empty<string>() })),
            ("POST block", () => rival.PostAsync(cl + "/block", null)),
            ("POST unblock", () => rival.PostAsync(cl + "/unblock", null)),
            ("GET client conversations", () => rival.GetAsync(cl + "/conversations")),
            ("GET channel", () => rival.GetAsync($"/api/v1/channels/{data.Channel.Id}")),
            ("PATCH channel", () => rival.PatchAsJsonAsync($"/api/v1/channels/{data.Channel.Id}", new { name = "hijack", rotateSecret = true })),
            ("DELETE channel", () => rival.DeleteAsync($"/api/v1/channels/{data.Channel.Id}")),
            ("PATCH topic", () => rival.PatchAsJsonAsync($"/api/v1/topics/{data.TopicId}", new { name = "hijack" })),
            ("DELETE topic", () => rival.DeleteAsync($"/api/v1/topics/{data.TopicId}")),
            ("PATCH tag", () => rival.PatchAsJsonAsync($"/api/v1/tags/{data.TagId}", new { name = "hijack" })),
            ("DELETE tag", () => rival.DeleteAsync($"/api/v1/tags/{data.TagId}")),
            ("PATCH quick reply", () => rival.PatchAsJsonAsync($"/api/v1/quick-replies/{data.QuickReplyId}", new { title = "hijack" })),
            ("DELETE quick reply", () => rival.DeleteAsync($"/api/v1/quick-replies/{data.QuickReplyId}")),
            ("GET team member", () => rival.GetAsync($"/api/v1/team/{data.MemberId}")),
            ("PATCH team member", () => rival.PatchAsJsonAsync($"/api/v1/team/{data.MemberId}", new { name = "hijack" })),
        };
        foreach (var (what, send) in requests) await AssertHiddenAsync(await send(), data, what);

        // Nothing of the first company changed.
        var conversation = await ConversationAsync(owner, data.ConversationId);
        Assert.Equal("active", conversation.GetProperty("folder").GetString());
        Assert.Equal(data.MemberId, conversation.GetProperty("assigneeId").GetString());
        var messages = await MessagesAsync(owner, data.ConversationId);
        Assert.DoesNotContain(messages, m => m.GetProperty("text").GetString() == "hijack");
        var mine = Assert.Single(messages, m => m.GetProperty("id").GetString() == data.MessageId);
        Assert.StartsWith("Owner reply secret-", mine.GetProperty("text").GetString());
        Assert.Equal(JsonValueKind.Null, mine.GetProperty("deletedAt").ValueKind);
        var card = await GetJsonAsync(owner, $"/api/v1/clients/{data.ClientId}");
        Assert.StartsWith("Zoryana Secretclient", card.GetProperty("name").GetString());
        Assert.Equal(JsonValueKind.Null, card.GetProperty("email").ValueKind);
        Assert.False(card.GetProperty("isBlocked").GetBoolean());
        Assert.Equal([data.TagId], card.GetProperty("tagIds").EnumerateArray().Select(t => t.GetString()));
        Assert.Single((await GetJsonAsync(owner, $"/api/v1/clients/{data.ClientId}/notes")).EnumerateArray());
        var channel = await GetJsonAsync(owner, $"/api/v1/channels/{data.Channel.Id}");
        Assert.True(channel.GetProperty("isEnabled").GetBoolean());
        Assert.Equal(data.Channel.Secret, channel.GetProperty("secret").GetString());
        Assert.StartsWith("Secret shop", channel.GetProperty("name").GetString());
        Assert.Contains((await GetJsonAsync(owner, "/api/v1/topics")).EnumerateArray(), t => t.GetProperty("id").GetString() == data.TopicId && t.GetProperty("name").GetString()!.StartsWith("Secret topic"));
        Assert.Contains((await GetJsonAsync(owner, "/api/v1/tags")).EnumerateArray(), t => t.GetProperty("id").GetString() == data.TagId && t.GetProperty("name").GetString()!.StartsWith("Secret tag"));
        Assert.Contains((await GetJsonAsync(owner, "/api/v1/quick-replies")).EnumerateArray(), q => q.GetProperty("id").GetString() == data.QuickReplyId && q.GetProperty("title").GetString()!.StartsWith("Secret reply"));
        Assert.Equal("Olena Owner", (await GetJsonAsync(owner, $"/api/v1/team/{data.MemberId}")).GetProperty("name").GetString());
    }

    [Fact]
    public async Task Lists_SecondCompany_NoneOfTheFirstCompanysRows()
    {
        await using var hook = await WebhookReceiver.StartAsync();
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        var data = await DemoCompanyDataAsync(owner, hook);
        using var rival = await app.RivalOwnerAsync();

        foreach (var url in new[]
        {
            "/api/v1/conversations", "/api/v1/conversations?folder=active", "/api/v1/conversations?folder=new", "/api/v1/conversations?folder=archived",
            $"/api/v1/conversations?clientId={data.ClientId}", $"/api/v1/conversations?q={data.Secrets[0]}", "/api/v1/team", "/api/v1/channels",
            "/api/v1/topics", "/api/v1/tags", "/api/v1/quick-replies", "/api/v1/settings/templates",
        })
        {
            var response = await rival.GetAsync(url);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{url}: {(int)response.StatusCode} {text}");
            foreach (var secret in data.Secrets.Append("Demo Company").Append(data.Channel.Id).Append(data.ConversationId))
                Assert.DoesNotContain(secret, text, StringComparison.OrdinalIgnoreCase);
        }

        var conversations = await GetJsonAsync(rival, "/api/v1/conversations");
        Assert.Empty(conversations.GetProperty("items").EnumerateArray());
        Assert.Equal(0, conversations.GetProperty("counts").GetProperty("active").GetInt32());
        Assert.Equal(0, conversations.GetProperty("counts").GetProperty("new").GetInt32());
        var counts = await GetJsonAsync(rival, "/api/v1/conversations/counts");
        Assert.Equal(0, counts.GetProperty("new").GetInt32() + counts.GetProperty("active").GetInt32() + counts.GetProperty("archived").GetInt32());
        Assert.Single((await GetJsonAsync(rival, "/api/v1/team")).EnumerateArray());
        Assert.Empty((await GetJsonAsync(rival, "/api/v1/channels")).EnumerateArray());
        Assert.Empty((await GetJsonAsync(rival, "/api/v1/topics")).EnumerateArray());
        Assert.Empty((await GetJsonAsync(rival, "/api/v1/tags")).EnumerateArray());
        Assert.Empty((await GetJsonAsync(rival, "/api/v1/quick-replies")).EnumerateArray());
        Assert.Equal("Rival Ltd", (await GetJsonAsync(rival, "/api/v1/settings/company")).GetProperty("name").GetString());
    }

    [Fact]
    public async Task CrossCompanyReferences_OwnObjectsWithOtherCompanysIds_Refused()
    {
        await using var hook = await WebhookReceiver.StartAsync();
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        var data = await DemoCompanyDataAsync(owner, hook);
        using var rival = await app.RivalOwnerAsync();
        using var anonymous = app.CreateClient();
        var rivalChannel = await CreateApiChannelAsync(rival, hook.Url, "Rival shop");
        var (rivalConversation, _) = await ClientSaysAsync(anonymous, rivalChannel, "rival-client-" + Guid.NewGuid().ToString("N")[..8], "Hi rival");
        Assert.Equal(HttpStatusCode.OK, (await rival.PostAsync($"/api/v1/conversations/{rivalConversation}/accept", null)).StatusCode);
        var rivalClient = (await ConversationAsync(rival, rivalConversation)).GetProperty("clientId").GetString();

        var topics = await rival.PutAsJsonAsync($"/api/v1/conversations/{rivalConversation}/topics", new { topicIds = new[] { data.TopicId } });
        var tags = await rival.PutAsJsonAsync($"/api/v1/clients/{rivalClient}/tags", new { tagIds = new[] { data.TagId } });
        var transfer = await rival.PostAsJsonAsync($"/api/v1/conversations/{rivalConversation}/transfer", new { managerId = data.MemberId });
        var manager = await rival.PatchAsJsonAsync($"/api/v1/clients/{rivalClient}", new { managerId = data.MemberId });

        Assert.Contains("do not exist in this company", (await AssertProblemAsync(topics, HttpStatusCode.BadRequest)).GetProperty("detail").GetString());
        Assert.True((await AssertProblemAsync(tags, HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("tagIds", out _));
        Assert.Contains("not found in this company", (await AssertProblemAsync(transfer, HttpStatusCode.BadRequest)).GetProperty("detail").GetString());
        Assert.True((await AssertProblemAsync(manager, HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("managerId", out _));
        var conversation = await ConversationAsync(rival, rivalConversation);
        Assert.NotEqual(data.MemberId, conversation.GetProperty("assigneeId").GetString());
        Assert.Empty((await GetJsonAsync(rival, $"/api/v1/clients/{rivalClient}")).GetProperty("tagIds").EnumerateArray());
    }

    [Fact]
    public async Task Inbound_OtherChannelsIdWithOwnSecret_401AndNothingCreated()
    {
        await using var hook = await WebhookReceiver.StartAsync();
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        var data = await DemoCompanyDataAsync(owner, hook);
        using var rival = await app.RivalOwnerAsync();
        var rivalChannel = await CreateApiChannelAsync(rival, hook.Url, "Rival shop");
        using var anonymous = app.CreateClient();
        var before = await GetJsonAsync(owner, "/api/v1/conversations/counts");

        var response = await InboundAsync(anonymous, new ApiChannel(data.Channel.Id, rivalChannel.Secret), new { clientId = "intruder", text = "Injected" });

        var problem = await AssertProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.Contains("X-Parley-Channel-Secret", problem.GetProperty("detail").GetString());
        Assert.Equal(before.ToString(), (await GetJsonAsync(owner, "/api/v1/conversations/counts")).ToString());
        Assert.Empty((await GetJsonAsync(owner, "/api/v1/conversations?q=Injected")).GetProperty("items").EnumerateArray());
    }
}

public sealed class TenantIsolationTests_Sqlite(SqliteApp app) : TenantIsolationTests<SqliteApp>(app);

public sealed class TenantIsolationTests_Postgres(PostgresApp app) : TenantIsolationTests<PostgresApp>(app);
