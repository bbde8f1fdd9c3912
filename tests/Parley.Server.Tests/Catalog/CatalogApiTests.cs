using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Parley.Server.Tests.Infrastructure;
using static Parley.Server.Tests.Infrastructure.Api;

namespace Parley.Server.Tests.Catalog;

/// <summary>Topics and tags (owner and supervisor manage) and quick replies (company-wide and personal).</summary>
public abstract class CatalogApiTests<TApp>(TApp app) : IClassFixture<TApp>
    where TApp : ParleyApp
{
    private static string Unique(string prefix) => prefix + " " + Guid.NewGuid().ToString("N")[..8];

    private static async Task<List<JsonElement>> ListAsync(HttpClient http, string url) => [.. (await GetJsonAsync(http, url)).EnumerateArray()];

    [Theory]
    [InlineData(ParleyApp.OwnerEmail)]
    [InlineData(ParleyApp.SupervisorEmail)]
    public async Task Topics_CreateRenameDelete_201Then200Then204(string email)
    {
        using var member = await app.SignInAsync(email);
        using var manager = await app.SignInAsync(ParleyApp.ManagerEmail);
        var name = Unique("Warranty");

        var created = await member.PostAsJsonAsync("/api/v1/topics", new { name = "  " + name + "  " });

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var topic = await Json(created);
        var id = topic.GetProperty("id").GetString();
        Assert.Equal(name, topic.GetProperty("name").GetString());
        Assert.Contains(await ListAsync(manager, "/api/v1/topics"), t => t.GetProperty("id").GetString() == id && t.GetProperty("name").GetString() == name);

        var renamed = await member.PatchAsJsonAsync($"/api/v1/topics/{id}", new { name = name + " (extended)" });

        Assert.Equal(HttpStatusCode.OK, renamed.StatusCode);
        Assert.Contains(await ListAsync(manager, "/api/v1/topics"), t => t.GetProperty("id").GetString() == id && t.GetProperty("name").GetString() == name + " (extended)");

        var deleted = await member.DeleteAsync($"/api/v1/topics/{id}");

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.DoesNotContain(await ListAsync(manager, "/api/v1/topics"), t => t.GetProperty("id").GetString() == id);
        await AssertProblemAsync(await member.DeleteAsync($"/api/v1/topics/{id}"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Topics_DuplicateOrEmptyName_400NamingNameAndNothingAdded()
    {
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        var before = (await ListAsync(owner, "/api/v1/topics")).Count;

        var duplicate = await owner.PostAsJsonAsync("/api/v1/topics", new { name = "Оплата / Payment" });
        var empty = await owner.PostAsJsonAsync("/api/v1/topics", new { name = "" });

        Assert.Contains("already used", (await AssertProblemAsync(duplicate, HttpStatusCode.BadRequest)).GetProperty("errors").GetProperty("name")[0].GetString());
        Assert.Contains("required", (await AssertProblemAsync(empty, HttpStatusCode.BadRequest)).GetProperty("errors").GetProperty("name")[0].GetString());
        Assert.Equal(before, (await ListAsync(owner, "/api/v1/topics")).Count);
    }

    [Fact]
    public async Task Topics_RenameToExistingName_400AndNameKept()
    {
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        var name = Unique("Rename me");
        var id = (await Json(await owner.PostAsJsonAsync("/api/v1/topics", new { name }))).GetProperty("id").GetString();

        var response = await owner.PatchAsJsonAsync($"/api/v1/topics/{id}", new { name = "Доставка / Delivery" });

        Assert.True((await AssertProblemAsync(response, HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("name", out _));
        Assert.Contains(await ListAsync(owner, "/api/v1/topics"), t => t.GetProperty("id").GetString() == id && t.GetProperty("name").GetString() == name);
    }

    [Fact]
    public async Task Topics_ManagerCreatesRenamesDeletes_403AndUnchanged()
    {
        using var manager = await app.SignInAsync(ParleyApp.ManagerEmail);
        var name = Unique("Manager topic");
        var existing = (await ListAsync(manager, "/api/v1/topics")).First();
        var existingId = existing.GetProperty("id").GetString();

        var create = await manager.PostAsJsonAsync("/api/v1/topics", new { name });
        var rename = await manager.PatchAsJsonAsync($"/api/v1/topics/{existingId}", new { name });
        var delete = await manager.DeleteAsync($"/api/v1/topics/{existingId}");

        Assert.Contains("owner or a supervisor", (await AssertProblemAsync(create, HttpStatusCode.Forbidden)).GetProperty("detail").GetString());
        await AssertProblemAsync(rename, HttpStatusCode.Forbidden);
        await AssertProblemAsync(delete, HttpStatusCode.Forbidden);
        var topics = await ListAsync(manager, "/api/v1/topics");
        Assert.DoesNotContain(topics, t => t.GetProperty("name").GetString() == name);
        Assert.Contains(topics, t => t.GetProperty("id").GetString() == existingId && t.GetProperty("name").GetString() == existing.GetProperty("name").GetString());
    }

    [Theory]
    [InlineData(ParleyApp.OwnerEmail)]
    [InlineData(ParleyApp.SupervisorEmail)]
    public async Task Tags_CreateRecolourDelete_201Then200Then204(string email)
    {
        using var member = await app.SignInAsync(email);
        var name = Unique("Partner");

        var created = await member.PostAsJsonAsync("/api/v1/tags", new { name, color = "#43a047" });

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await Json(created)).GetProperty("id").GetString();
        Assert.Contains(await ListAsync(member, "/api/v1/tags"), t => t.GetProperty("id").GetString() == id && t.GetProperty("color").GetString() == "#43a047");

        var updated = await member.PatchAsJsonAsync($"/api/v1/tags/{id}", new { color = "#e53935" });

        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        var tag = Assert.Single(await ListAsync(member, "/api/v1/tags"), t => t.GetProperty("id").GetString() == id);
        Assert.Equal("#e53935", tag.GetProperty("color").GetString());
        Assert.Equal(name, tag.GetProperty("name").GetString());

        Assert.Equal(HttpStatusCode.NoContent, (await member.DeleteAsync($"/api/v1/tags/{id}")).StatusCode);
        Assert.DoesNotContain(await ListAsync(member, "/api/v1/tags"), t => t.GetProperty("id").GetString() == id);
    }

    [Fact]
    public async Task Tags_DuplicateNameAndBadColour_400NamingEachField()
    {
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        var before = (await ListAsync(owner, "/api/v1/tags")).Count;

        var response = await owner.PostAsJsonAsync("/api/v1/tags", new { name = "VIP", color = "red" });

        var errors = (await AssertProblemAsync(response, HttpStatusCode.BadRequest)).GetProperty("errors");
        Assert.Contains("already used", errors.GetProperty("name")[0].GetString());
        Assert.Contains("#1e88e5", errors.GetProperty("color")[0].GetString());
        Assert.Equal(before, (await ListAsync(owner, "/api/v1/tags")).Count);
    }

    [Fact]
    public async Task Tags_ManagerCreates_403AndNothingAdded()
    {
        using var manager = await app.SignInAsync(ParleyApp.ManagerEmail);
        var name = Unique("Manager tag");

        var response = await manager.PostAsJsonAsync("/api/v1/tags", new { name });

        Assert.Contains("owner or a supervisor", (await AssertProblemAsync(response, HttpStatusCode.Forbidden)).GetProperty("detail").GetString());
        Assert.DoesNotContain(await ListAsync(manager, "/api/v1/tags"), t => t.GetProperty("name").GetString() == name);
    }

    [Fact]
    public async Task DeleteTopicAndTag_InUse_204AndRemovedFromConversationAndCard()
    {
        await using var hook = await WebhookReceiver.StartAsync();
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        using var anonymous = app.CreateClient();
        var channel = await CreateApiChannelAsync(owner, hook.Url);
        var (conversationId, _) = await ClientSaysAsync(anonymous, channel, "catalog-" + Guid.NewGuid().ToString("N")[..8], "Питання");
        var clientId = (await ConversationAsync(owner, conversationId)).GetProperty("clientId").GetString();
        var topicId = (await Json(await owner.PostAsJsonAsync("/api/v1/topics", new { name = Unique("Used topic") }))).GetProperty("id").GetString();
        var tagId = (await Json(await owner.PostAsJsonAsync("/api/v1/tags", new { name = Unique("Used tag") }))).GetProperty("id").GetString();
        Assert.Equal(HttpStatusCode.OK, (await owner.PutAsJsonAsync($"/api/v1/conversations/{conversationId}/topics", new { topicIds = new[] { topicId } })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await owner.PutAsJsonAsync($"/api/v1/clients/{clientId}/tags", new { tagIds = new[] { tagId } })).StatusCode);

        var deleteTopic = await owner.DeleteAsync($"/api/v1/topics/{topicId}");
        var deleteTag = await owner.DeleteAsync($"/api/v1/tags/{tagId}");

        Assert.Equal(HttpStatusCode.NoContent, deleteTopic.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, deleteTag.StatusCode);
        Assert.Empty((await GetJsonAsync(owner, $"/api/v1/conversations/{conversationId}")).GetProperty("topicIds").EnumerateArray());
        Assert.Empty((await GetJsonAsync(owner, $"/api/v1/clients/{clientId}")).GetProperty("tagIds").EnumerateArray());
    }

    [Fact]
    public async Task QuickReplies_ManagerPersonal_201AndOnlyTheyListIt()
    {
        using var manager = await app.SignInAsync(ParleyApp.ManagerEmail);
        using var supervisor = await app.SignInAsync(ParleyApp.SupervisorEmail);
        var shortcut = "mine" + Guid.NewGuid().ToString("N")[..6];

        var created = await manager.PostAsJsonAsync("/api/v1/quick-replies", new
        {
            shortcut = "/" + shortcut.ToUpperInvariant(),
            title = "My sign-off",
            variants = new Dictionary<string, string> { ["uk"] = "З повагою, Марія", ["en"] = "Best regards, Maria" },
            personal = true,
        });

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await Json(created);
        Assert.Equal(shortcut, body.GetProperty("shortcut").GetString());
        Assert.True(body.GetProperty("personal").GetBoolean());
        var id = body.GetProperty("id").GetString();
        Assert.Contains(await ListAsync(manager, "/api/v1/quick-replies"), q => q.GetProperty("id").GetString() == id);
        Assert.DoesNotContain(await ListAsync(supervisor, "/api/v1/quick-replies"), q => q.GetProperty("id").GetString() == id);
        await AssertProblemAsync(await supervisor.PatchAsJsonAsync($"/api/v1/quick-replies/{id}", new { title = "Taken over" }), HttpStatusCode.NotFound);
        await AssertProblemAsync(await supervisor.DeleteAsync($"/api/v1/quick-replies/{id}"), HttpStatusCode.NotFound);

        Assert.Equal(HttpStatusCode.OK, (await manager.PatchAsJsonAsync($"/api/v1/quick-replies/{id}", new { title = "My signature" })).StatusCode);
        Assert.Equal("My signature", Assert.Single(await ListAsync(manager, "/api/v1/quick-replies"), q => q.GetProperty("id").GetString() == id).GetProperty("title").GetString());
        Assert.Equal(HttpStatusCode.NoContent, (await manager.DeleteAsync($"/api/v1/quick-replies/{id}")).StatusCode);
        Assert.DoesNotContain(await ListAsync(manager, "/api/v1/quick-replies"), q => q.GetProperty("id").GetString() == id);
    }

    [Fact]
    public async Task QuickReplies_ManagerCompanyWide_403AndNothingAdded()
    {
        using var manager = await app.SignInAsync(ParleyApp.ManagerEmail);
        var shortcut = "team" + Guid.NewGuid().ToString("N")[..6];

        var response = await manager.PostAsJsonAsync("/api/v1/quick-replies", new { shortcut, title = "For all", variants = new { uk = "Для всіх" } });

        Assert.Contains("company-wide", (await AssertProblemAsync(response, HttpStatusCode.Forbidden)).GetProperty("detail").GetString());
        Assert.DoesNotContain(await ListAsync(manager, "/api/v1/quick-replies"), q => q.GetProperty("shortcut").GetString() == shortcut);
    }

    [Fact]
    public async Task QuickReplies_ManagerEditsCompanyWide_403AndUnchanged()
    {
        using var manager = await app.SignInAsync(ParleyApp.ManagerEmail);
        var hello = Assert.Single(await ListAsync(manager, "/api/v1/quick-replies?q=hello"), q => q.GetProperty("shortcut").GetString() == "hello");

        var response = await manager.PatchAsJsonAsync($"/api/v1/quick-replies/{hello.GetProperty("id").GetString()}", new { title = "Hijacked" });

        await AssertProblemAsync(response, HttpStatusCode.Forbidden);
        Assert.Equal(hello.GetProperty("title").GetString(),
            Assert.Single(await ListAsync(manager, "/api/v1/quick-replies?q=hello"), q => q.GetProperty("shortcut").GetString() == "hello").GetProperty("title").GetString());
    }

    [Fact]
    public async Task QuickReplies_SearchWithSlashPrefix_FindsHelloOnly()
    {
        using var manager = await app.SignInAsync(ParleyApp.ManagerEmail);

        var found = await ListAsync(manager, "/api/v1/quick-replies?q=%2Fhel");
        var none = await ListAsync(manager, "/api/v1/quick-replies?q=zzz-nothing");

        Assert.Contains(found, q => q.GetProperty("shortcut").GetString() == "hello");
        Assert.All(found, q => Assert.StartsWith("hel", q.GetProperty("shortcut").GetString()));
        Assert.DoesNotContain(found, q => q.GetProperty("shortcut").GetString() == "thanks");
        Assert.Empty(none);
    }

    [Fact]
    public async Task QuickReplies_AnotherMembersPersonal_NotListedEvenBySearch()
    {
        using var supervisor = await app.SignInAsync(ParleyApp.SupervisorEmail);
        using var manager = await app.SignInAsync(ParleyApp.ManagerEmail);
        var shortcut = "helsup" + Guid.NewGuid().ToString("N")[..6];
        var created = await supervisor.PostAsJsonAsync("/api/v1/quick-replies", new { shortcut, title = "Supervisor only", variants = new { uk = "Лише моє" }, personal = true });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        var found = await ListAsync(manager, "/api/v1/quick-replies?q=/hel");

        Assert.Contains(found, q => q.GetProperty("shortcut").GetString() == "hello");
        Assert.DoesNotContain(found, q => q.GetProperty("shortcut").GetString() == shortcut);
        Assert.Contains(await ListAsync(supervisor, "/api/v1/quick-replies?q=/hel"), q => q.GetProperty("shortcut").GetString() == shortcut);
    }

    [Fact]
    public async Task QuickReplies_InvalidShortcutAndVariants_400NamingEachField()
    {
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        var before = (await ListAsync(owner, "/api/v1/quick-replies")).Count;

        var badShortcut = await owner.PostAsJsonAsync("/api/v1/quick-replies", new { shortcut = "two words!", title = "Bad", variants = new { uk = "Текст" } });
        var noVariants = await owner.PostAsJsonAsync("/api/v1/quick-replies", new { shortcut = "novariants", title = "Bad", variants = new { } });
        var badLanguage = await owner.PostAsJsonAsync("/api/v1/quick-replies", new { shortcut = "badlang", title = "Bad", variants = new Dictionary<string, string> { ["english"] = "Text", ["uk"] = " " } });

        Assert.Contains("letters, digits", (await AssertProblemAsync(badShortcut, HttpStatusCode.BadRequest)).GetProperty("errors").GetProperty("shortcut")[0].GetString());
        Assert.Contains("at least one language", (await AssertProblemAsync(noVariants, HttpStatusCode.BadRequest)).GetProperty("errors").GetProperty("variants")[0].GetString());
        var languageErrors = (await AssertProblemAsync(badLanguage, HttpStatusCode.BadRequest)).GetProperty("errors").GetProperty("variants").EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Contains(languageErrors, e => e!.Contains("'english' is not a language code"));
        Assert.Contains(languageErrors, e => e!.Contains("'uk' text must have"));
        Assert.Equal(before, (await ListAsync(owner, "/api/v1/quick-replies")).Count);
    }
}

public sealed class CatalogApiTests_Sqlite(SqliteApp app) : CatalogApiTests<SqliteApp>(app);

public sealed class CatalogApiTests_Postgres(PostgresApp app) : CatalogApiTests<PostgresApp>(app);
