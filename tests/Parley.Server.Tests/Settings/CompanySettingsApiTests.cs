using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Parley.Server.Tests.Infrastructure;
using static Parley.Server.Tests.Infrastructure.Api;

namespace Parley.Server.Tests.Settings;

/// <summary>Settings → Company through the API, and each setting enforced by the server.</summary>
public abstract class CompanySettingsApiTests<TApp>(TApp app) : IClassFixture<TApp>
    where TApp : ParleyApp
{
    private static string NewClientId(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..8];

    private static async Task<JsonElement> SettingsAsync(HttpClient http) => await GetJsonAsync(http, "/api/v1/settings/company");

    /// <summary>A conversation accepted by the member; returns (conversationId, clientId).</summary>
    private async Task<(string ConversationId, string ClientId)> AcceptedConversationAsync(HttpClient owner, HttpClient member, WebhookReceiver hook, string language = "uk")
    {
        using var anonymous = app.CreateClient();
        var channel = await CreateApiChannelAsync(owner, hook.Url);
        var (conversationId, _) = await ClientSaysAsync(anonymous, channel, NewClientId("settings"), "Допоможіть, будь ласка", language);
        Assert.Equal(HttpStatusCode.OK, (await member.PostAsync($"/api/v1/conversations/{conversationId}/accept", null)).StatusCode);
        return (conversationId, (await ConversationAsync(owner, conversationId)).GetProperty("clientId").GetString()!);
    }

    private static async Task<string> SendAsync(HttpClient member, string conversationId, string text)
    {
        var response = await member.PostAsJsonAsync($"/api/v1/conversations/{conversationId}/messages", new { text });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await Json(response)).GetProperty("id").GetString()!;
    }

    private static JsonElement Message(List<JsonElement> messages, string id) => Assert.Single(messages, m => m.GetProperty("id").GetString() == id);

    [Fact]
    public async Task GetSettings_AnyMember_ProductDefaults()
    {
        using var manager = await app.SignInAsync(ParleyApp.ManagerEmail);

        var s = await SettingsAsync(manager);

        Assert.Equal("Demo Company", s.GetProperty("name").GetString());
        Assert.Equal("Europe/Kyiv", s.GetProperty("timeZone").GetString());
        Assert.Equal("uk", s.GetProperty("mainLanguage").GetString());
        Assert.True(s.GetProperty("notifyOnManagerChange").GetBoolean());
        Assert.False(s.GetProperty("askWhetherResolved").GetBoolean());
        Assert.False(s.GetProperty("ratingRequired").GetBoolean());
        Assert.True(s.GetProperty("showTopics").GetBoolean());
        Assert.False(s.GetProperty("topicRequired").GetBoolean());
        Assert.False(s.GetProperty("forbidEditing").GetBoolean());
        Assert.False(s.GetProperty("forbidDeleting").GetBoolean());
        Assert.False(s.GetProperty("managersMayChangeManager").GetBoolean());
        Assert.False(s.GetProperty("managersMayBlockClients").GetBoolean());
        Assert.Equal(15, s.GetProperty("inactivityCloseMinutes").GetInt32());
        Assert.False(s.GetProperty("businessHoursEnabled").GetBoolean());
        Assert.Equal(5, s.GetProperty("businessHours").GetArrayLength());
        Assert.Equal("manual", s.GetProperty("distribution").GetProperty("mode").GetString());
    }

    [Fact]
    public async Task PatchSettings_OwnerSendsOneField_OnlyThatFieldChanges()
    {
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        var before = await SettingsAsync(owner);
        try
        {
            var after = await PatchSettingsAsync(owner, new { ratingRequired = true });

            Assert.True(after.GetProperty("ratingRequired").GetBoolean());
            var reread = await SettingsAsync(owner);
            Assert.True(reread.GetProperty("ratingRequired").GetBoolean());
            foreach (var p in before.EnumerateObject().Where(p => p.Name != "ratingRequired"))
                Assert.Equal(p.Value.ToString(), reread.GetProperty(p.Name).ToString());
        }
        finally
        {
            await PatchSettingsAsync(owner, new { ratingRequired = false });
        }
    }

    [Fact]
    public async Task PatchSettings_InactivityNull_TurnsItOff()
    {
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        try
        {
            var after = await PatchSettingsAsync(owner, new { inactivityCloseMinutes = (int?)null });

            Assert.Equal(JsonValueKind.Null, after.GetProperty("inactivityCloseMinutes").ValueKind);
            Assert.Equal(JsonValueKind.Null, (await SettingsAsync(owner)).GetProperty("inactivityCloseMinutes").ValueKind);
            Assert.Equal(45, (await PatchSettingsAsync(owner, new { inactivityCloseMinutes = 45 })).GetProperty("inactivityCloseMinutes").GetInt32());
        }
        finally
        {
            await PatchSettingsAsync(owner, new { inactivityCloseMinutes = 15 });
        }
    }

    [Fact]
    public async Task PatchSettings_InvalidValues_400NamingEachFieldAndNothingChanged()
    {
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        var before = await SettingsAsync(owner);

        var response = await owner.PatchAsJsonAsync("/api/v1/settings/company", new
        {
            name = "Renamed in the same request",
            ratingRequired = true,
            colourScheme = "dark",
            askWhetherResolved = "abc",
            inactivityCloseMinutes = 0,
            timeZone = "Mars/Olympus_Mons",
            businessHours = new[] { new { day = "Monday", opens = "18:00", closes = "09:00" } },
        });

        var errors = (await AssertProblemAsync(response, HttpStatusCode.BadRequest)).GetProperty("errors");
        Assert.Contains("not a company setting", errors.GetProperty("colourScheme")[0].GetString());
        Assert.Contains("true or false", errors.GetProperty("askWhetherResolved")[0].GetString());
        Assert.Contains("1 to 10080", errors.GetProperty("inactivityCloseMinutes")[0].GetString());
        Assert.Contains("time zone", errors.GetProperty("timeZone")[0].GetString());
        Assert.Contains("closing time must be after the opening time", errors.GetProperty("businessHours")[0].GetString());
        Assert.False(errors.TryGetProperty("name", out _));
        Assert.False(errors.TryGetProperty("ratingRequired", out _));
        Assert.Equal(before.ToString(), (await SettingsAsync(owner)).ToString());
    }

    [Fact]
    public async Task PatchSettings_NotAnObject_400()
    {
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);

        var response = await owner.PatchAsJsonAsync("/api/v1/settings/company", new[] { 1, 2 });

        Assert.True((await AssertProblemAsync(response, HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("body", out _));
    }

    [Theory]
    [InlineData(ParleyApp.SupervisorEmail)]
    [InlineData(ParleyApp.ManagerEmail)]
    public async Task PatchSettings_NotOwner_403AndUnchanged(string email)
    {
        using var member = await app.SignInAsync(email);

        var response = await member.PatchAsJsonAsync("/api/v1/settings/company", new { forbidEditing = true, name = "Hijacked" });

        Assert.Contains("owner", (await AssertProblemAsync(response, HttpStatusCode.Forbidden)).GetProperty("detail").GetString());
        var s = await SettingsAsync(member);
        Assert.False(s.GetProperty("forbidEditing").GetBoolean());
        Assert.Equal("Demo Company", s.GetProperty("name").GetString());
    }

    [Fact]
    public async Task EditMessage_ForbidEditingOn_403WithReasonAndTextUnchanged()
    {
        await using var hook = await WebhookReceiver.StartAsync();
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        using var manager = await app.SignInAsync(ParleyApp.ManagerEmail);
        var (conversationId, _) = await AcceptedConversationAsync(owner, manager, hook);
        var messageId = await SendAsync(manager, conversationId, "Ціна 100 грн");
        await PatchSettingsAsync(owner, new { forbidEditing = true });
        try
        {
            var refused = await manager.PatchAsJsonAsync($"/api/v1/messages/{messageId}", new { text = "Ціна 200 грн" });
            var refusedOwner = await owner.PatchAsJsonAsync($"/api/v1/messages/{messageId}", new { text = "Ціна 300 грн" });

            var problem = await AssertProblemAsync(refused, HttpStatusCode.Forbidden);
            Assert.Contains("Editing messages is turned off", problem.GetProperty("detail").GetString());
            Assert.Equal("editing_forbidden_by_company", problem.GetProperty("code").GetString());
            Assert.False(problem.TryGetProperty("args", out _));
            await AssertProblemAsync(refusedOwner, HttpStatusCode.Forbidden);
            var message = Message(await MessagesAsync(owner, conversationId), messageId);
            Assert.Equal("Ціна 100 грн", message.GetProperty("text").GetString());
            Assert.Empty(message.GetProperty("edits").EnumerateArray());
        }
        finally
        {
            await PatchSettingsAsync(owner, new { forbidEditing = false });
        }
    }

    [Fact]
    public async Task EditMessage_SomeoneElsesMessage_403WithReason()
    {
        await using var hook = await WebhookReceiver.StartAsync();
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        using var manager = await app.SignInAsync(ParleyApp.ManagerEmail);
        var (conversationId, _) = await AcceptedConversationAsync(owner, manager, hook);
        var messageId = await SendAsync(manager, conversationId, "Моє повідомлення");

        var refused = await owner.PatchAsJsonAsync($"/api/v1/messages/{messageId}", new { text = "Чуже" });

        Assert.Contains("only your own messages", (await AssertProblemAsync(refused, HttpStatusCode.Forbidden)).GetProperty("detail").GetString());
        Assert.Equal("Моє повідомлення", Message(await MessagesAsync(owner, conversationId), messageId).GetProperty("text").GetString());
    }

    [Fact]
    public async Task EditMessage_ForbidEditingOff_200AndOwnerSeesEditHistory()
    {
        await using var hook = await WebhookReceiver.StartAsync();
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        using var manager = await app.SignInAsync(ParleyApp.ManagerEmail);
        var (conversationId, _) = await AcceptedConversationAsync(owner, manager, hook);
        var messageId = await SendAsync(manager, conversationId, "Ціна 100 грн");

        var edited = await manager.PatchAsJsonAsync($"/api/v1/messages/{messageId}", new { text = "Ціна 200 грн" });

        Assert.True(edited.StatusCode == HttpStatusCode.OK, await edited.Content.ReadAsStringAsync());
        var asOwner = Message(await MessagesAsync(owner, conversationId), messageId);
        Assert.Equal("Ціна 200 грн", asOwner.GetProperty("text").GetString());
        Assert.NotEqual(JsonValueKind.Null, asOwner.GetProperty("editedAt").ValueKind);
        var edit = Assert.Single(asOwner.GetProperty("edits").EnumerateArray());
        Assert.Equal("Ціна 100 грн", edit.GetProperty("previousText").GetString());
        Assert.Equal(await MemberIdAsync(manager), edit.GetProperty("editedById").GetString());
        var asManager = Message(await MessagesAsync(manager, conversationId), messageId);
        Assert.Equal("Ціна 200 грн", asManager.GetProperty("text").GetString());
        Assert.Equal(JsonValueKind.Null, asManager.GetProperty("edits").ValueKind);
        Assert.Contains((await GetJsonAsync(owner, $"/api/v1/conversations/{conversationId}/history")).EnumerateArray(),
            h => h.GetProperty("kind").GetString() == "message_edited");
    }

    [Fact]
    public async Task DeleteMessage_ForbidDeletingOnThenOff_403WithReasonThenHiddenFromManagerVisibleToOwner()
    {
        await using var hook = await WebhookReceiver.StartAsync();
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        using var manager = await app.SignInAsync(ParleyApp.ManagerEmail);
        var (conversationId, _) = await AcceptedConversationAsync(owner, manager, hook);
        var messageId = await SendAsync(manager, conversationId, "Помилкове повідомлення");
        await PatchSettingsAsync(owner, new { forbidDeleting = true });
        try
        {
            var refused = await manager.DeleteAsync($"/api/v1/messages/{messageId}");

            Assert.Contains("Deleting messages is turned off", (await AssertProblemAsync(refused, HttpStatusCode.Forbidden)).GetProperty("detail").GetString());
            Assert.Equal(JsonValueKind.Null, Message(await MessagesAsync(manager, conversationId), messageId).GetProperty("deletedAt").ValueKind);
        }
        finally
        {
            await PatchSettingsAsync(owner, new { forbidDeleting = false });
        }

        var deleted = await manager.DeleteAsync($"/api/v1/messages/{messageId}");

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        var asManager = Message(await MessagesAsync(manager, conversationId), messageId);
        Assert.Equal("", asManager.GetProperty("text").GetString());
        Assert.NotEqual(JsonValueKind.Null, asManager.GetProperty("deletedAt").ValueKind);
        var asOwner = Message(await MessagesAsync(owner, conversationId), messageId);
        Assert.Equal("Помилкове повідомлення", asOwner.GetProperty("text").GetString());
        Assert.NotEqual(JsonValueKind.Null, asOwner.GetProperty("deletedAt").ValueKind);
        Assert.Contains((await GetJsonAsync(owner, $"/api/v1/conversations/{conversationId}/history")).EnumerateArray(),
            h => h.GetProperty("kind").GetString() == "message_deleted");
    }

    [Fact]
    public async Task Transfer_ManagersMayChangeManagerOffThenOn_403ThenClientToldNewManager()
    {
        await using var hook = await WebhookReceiver.StartAsync();
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        using var manager = await app.SignInAsync(ParleyApp.ManagerEmail);
        using var supervisor = await app.SignInAsync(ParleyApp.SupervisorEmail);
        var supervisorId = await MemberIdAsync(supervisor);
        var (conversationId, clientId) = await AcceptedConversationAsync(owner, manager, hook);
        var managerId = await MemberIdAsync(manager);

        var refused = await manager.PostAsJsonAsync($"/api/v1/conversations/{conversationId}/transfer", new { managerId = supervisorId });

        Assert.Contains("Changing the manager is not allowed", (await AssertProblemAsync(refused, HttpStatusCode.Forbidden)).GetProperty("detail").GetString());
        Assert.Equal(managerId, (await ConversationAsync(owner, conversationId)).GetProperty("assigneeId").GetString());

        await PatchSettingsAsync(owner, new { managersMayChangeManager = true });
        try
        {
            var transferred = await manager.PostAsJsonAsync($"/api/v1/conversations/{conversationId}/transfer", new { managerId = supervisorId });

            Assert.Equal(HttpStatusCode.OK, transferred.StatusCode);
            Assert.Equal(supervisorId, (await ConversationAsync(owner, conversationId)).GetProperty("assigneeId").GetString());
            Assert.Equal(supervisorId, (await GetJsonAsync(owner, $"/api/v1/clients/{clientId}")).GetProperty("managerId").GetString());
            var told = (await hook.UntilAsync(r => r.Body.GetProperty("text").GetString()!.Contains("Stepan Supervisor"))).Last();
            Assert.Equal("Ваш чат передано менеджеру Stepan Supervisor.", told.Body.GetProperty("text").GetString());
            Assert.Contains(await MessagesAsync(owner, conversationId), m => m.GetProperty("systemKind").ValueKind == JsonValueKind.String
                && m.GetProperty("systemKind").GetString() == "managerChanged");
            // The manager no longer sees the conversation once it is someone else's.
            await AssertProblemAsync(await manager.GetAsync($"/api/v1/conversations/{conversationId}"), HttpStatusCode.NotFound);
        }
        finally
        {
            await PatchSettingsAsync(owner, new { managersMayChangeManager = false });
        }
    }

    [Fact]
    public async Task Block_ManagersMayBlockClientsOffThenOn_403Then200()
    {
        await using var hook = await WebhookReceiver.StartAsync();
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        using var manager = await app.SignInAsync(ParleyApp.ManagerEmail);
        var (_, clientId) = await AcceptedConversationAsync(owner, manager, hook);

        var refused = await manager.PostAsync($"/api/v1/clients/{clientId}/block", null);

        Assert.Contains("Blocking clients is not allowed", (await AssertProblemAsync(refused, HttpStatusCode.Forbidden)).GetProperty("detail").GetString());
        Assert.False((await GetJsonAsync(owner, $"/api/v1/clients/{clientId}")).GetProperty("isBlocked").GetBoolean());

        await PatchSettingsAsync(owner, new { managersMayBlockClients = true });
        try
        {
            var blocked = await manager.PostAsync($"/api/v1/clients/{clientId}/block", null);

            Assert.Equal(HttpStatusCode.OK, blocked.StatusCode);
            Assert.True((await Json(blocked)).GetProperty("isBlocked").GetBoolean());
            Assert.True((await GetJsonAsync(owner, $"/api/v1/clients/{clientId}")).GetProperty("isBlocked").GetBoolean());
        }
        finally
        {
            await PatchSettingsAsync(owner, new { managersMayBlockClients = false });
        }
    }

    [Fact]
    public async Task GreetingTemplate_CustomThenEmptyThenDeleted_CustomTextThenNoneThenBuiltIn()
    {
        await using var hook = await WebhookReceiver.StartAsync();
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        using var anonymous = app.CreateClient();
        var channel = await CreateApiChannelAsync(owner, hook.Url);
        try
        {
            var put = await owner.PutAsJsonAsync("/api/v1/settings/templates/greeting/en", new { text = "Hi {client.name} from {company.name}" });
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
            Assert.True((await Json(put)).GetProperty("isCustom").GetBoolean());

            var (custom, _) = await ClientSaysAsync(anonymous, channel, NewClientId("greet-custom"), "Hello there", "en", "Alice");
            Assert.Equal("Hi Alice from Demo Company", (await hook.NextAsync()).Body.GetProperty("text").GetString());
            var greeting = Assert.Single(await MessagesAsync(owner, custom), m => m.GetProperty("authorKind").GetString() == "system");
            Assert.Equal("greeting", greeting.GetProperty("systemKind").GetString());
            Assert.Equal("Hi Alice from Demo Company", greeting.GetProperty("text").GetString());

            Assert.Equal(HttpStatusCode.OK, (await owner.PutAsJsonAsync("/api/v1/settings/templates/greeting/en", new { text = "" })).StatusCode);
            var (silent, _) = await ClientSaysAsync(anonymous, channel, NewClientId("greet-off"), "Hello again", "en", "Bob");
            Assert.DoesNotContain(await MessagesAsync(owner, silent), m => m.GetProperty("authorKind").GetString() == "system");
        }
        finally
        {
            Assert.Equal(HttpStatusCode.NoContent, (await owner.DeleteAsync("/api/v1/settings/templates/greeting/en")).StatusCode);
        }

        var (restored, _) = await ClientSaysAsync(anonymous, channel, NewClientId("greet-builtin"), "Hello once more", "en", "Carol");
        var builtIn = Assert.Single(await MessagesAsync(owner, restored), m => m.GetProperty("authorKind").GetString() == "system");
        Assert.Equal("Hello, Carol! Thank you for writing to Demo Company. A manager will answer shortly.", builtIn.GetProperty("text").GetString());
        var template = Assert.Single((await GetJsonAsync(owner, "/api/v1/settings/templates")).EnumerateArray(),
            t => t.GetProperty("kind").GetString() == "greeting" && t.GetProperty("language").GetString() == "en");
        Assert.False(template.GetProperty("isCustom").GetBoolean());
    }

    [Fact]
    public async Task PutTemplate_UnknownKindAndMissingText_400NamingFields()
    {
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);

        var response = await owner.PutAsJsonAsync("/api/v1/settings/templates/farewell/en", new { });

        var errors = (await AssertProblemAsync(response, HttpStatusCode.BadRequest)).GetProperty("errors");
        Assert.True(errors.TryGetProperty("kind", out _));
        Assert.True(errors.TryGetProperty("text", out _));
    }

    [Fact]
    public async Task PutTemplate_Manager_403AndBuiltInKept()
    {
        using var manager = await app.SignInAsync(ParleyApp.ManagerEmail);

        var response = await manager.PutAsJsonAsync("/api/v1/settings/templates/greeting/uk", new { text = "Hacked" });

        await AssertProblemAsync(response, HttpStatusCode.Forbidden);
        var template = Assert.Single((await GetJsonAsync(manager, "/api/v1/settings/templates")).EnumerateArray(),
            t => t.GetProperty("kind").GetString() == "greeting" && t.GetProperty("language").GetString() == "uk");
        Assert.False(template.GetProperty("isCustom").GetBoolean());
    }
}

public sealed class CompanySettingsApiTests_Sqlite(SqliteApp app) : CompanySettingsApiTests<SqliteApp>(app);

public sealed class CompanySettingsApiTests_Postgres(PostgresApp app) : CompanySettingsApiTests<PostgresApp>(app);
