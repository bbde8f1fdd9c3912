using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Parley.Server.Tests.Infrastructure;
using static Parley.Server.Tests.Infrastructure.Api;

namespace Parley.Server.Tests.Team;

/// <summary>Sign-in with personal API tokens, lockout, and the Team API's role rules.</summary>
public abstract class AuthTests<TApp>(TApp app) : IClassFixture<TApp>
    where TApp : ParleyApp
{
    private static string UniqueEmail(string prefix) => $"{prefix}-{Guid.NewGuid():N}@demo.local";

    private async Task<JsonElement> InviteAsync(HttpClient owner, string email, string role = "manager", string password = ParleyApp.Password, string name = "New Member")
    {
        var response = await owner.PostAsJsonAsync("/api/v1/team", new { email, name, role, password });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return await Json(response);
    }

    private static async Task<List<JsonElement>> TeamAsync(HttpClient http) =>
        [.. (await GetJsonAsync(http, "/api/v1/team")).EnumerateArray()];

    [Fact]
    public async Task CreateToken_RightPassword_201WithTokenThatSignsIn()
    {
        using var anonymous = app.CreateClient();

        var response = await anonymous.PostAsJsonAsync("/api/v1/auth/tokens", new { email = ParleyApp.OwnerEmail, password = ParleyApp.Password, name = "CRM" });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await Json(response);
        var token = body.GetProperty("token").GetString();
        Assert.StartsWith("prl_", token);
        Assert.Equal("CRM", body.GetProperty("name").GetString());
        Assert.Equal("owner", body.GetProperty("role").GetString());
        using var signedIn = app.CreateClient();
        signedIn.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var me = await GetJsonAsync(signedIn, "/api/v1/me");
        Assert.Equal(ParleyApp.OwnerEmail, me.GetProperty("member").GetProperty("email").GetString());
        Assert.Equal("Demo Company", me.GetProperty("company").GetProperty("name").GetString());
    }

    [Fact]
    public async Task CreateToken_WrongPassword_401ProblemWithReason()
    {
        using var anonymous = app.CreateClient();

        var response = await anonymous.PostAsJsonAsync("/api/v1/auth/tokens", new { email = ParleyApp.SupervisorEmail, password = "not-the-password" });

        var problem = await AssertProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.Contains("password is wrong", problem.GetProperty("detail").GetString());
        Assert.False(problem.TryGetProperty("token", out _));
    }

    [Fact]
    public async Task CreateToken_UnknownEmail_401SameAsWrongPassword()
    {
        using var anonymous = app.CreateClient();

        var response = await anonymous.PostAsJsonAsync("/api/v1/auth/tokens", new { email = "nobody@demo.local", password = ParleyApp.Password });

        var problem = await AssertProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.Contains("password is wrong", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task CreateToken_MissingEmail_400NamingEmail()
    {
        using var anonymous = app.CreateClient();

        var response = await anonymous.PostAsJsonAsync("/api/v1/auth/tokens", new { password = ParleyApp.Password });

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("errors");
        Assert.True(errors.TryGetProperty("email", out var email), problem.ToString());
        Assert.Contains("required", email[0].GetString());
        Assert.False(errors.TryGetProperty("password", out _));
    }

    [Fact]
    public async Task Me_NoBearer_401()
    {
        using var anonymous = app.CreateClient();

        var response = await anonymous.GetAsync("/api/v1/me");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Me_InvalidBearer_401()
    {
        using var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "prl_" + new string('0', 64));

        var response = await client.GetAsync("/api/v1/me");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task RevokeToken_ThenUseIt_401AndGoneFromList()
    {
        using var anonymous = app.CreateClient();
        var created = await Json(await anonymous.PostAsJsonAsync("/api/v1/auth/tokens", new { email = ParleyApp.ManagerEmail, password = ParleyApp.Password, name = "to revoke" }));
        var id = created.GetProperty("id").GetString();
        using var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", created.GetProperty("token").GetString());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/me")).StatusCode);
        Assert.Contains((await GetJsonAsync(client, "/api/v1/auth/tokens")).EnumerateArray(), t => t.GetProperty("id").GetString() == id);

        var revoke = await client.DeleteAsync($"/api/v1/auth/tokens/{id}");

        Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/v1/me")).StatusCode);
        using var manager = await app.SignInAsync(ParleyApp.ManagerEmail);
        Assert.DoesNotContain((await GetJsonAsync(manager, "/api/v1/auth/tokens")).EnumerateArray(), t => t.GetProperty("id").GetString() == id);
    }

    [Fact]
    public async Task RevokeToken_AnotherMembersToken_404AndTokenStillWorks()
    {
        using var anonymous = app.CreateClient();
        var created = await Json(await anonymous.PostAsJsonAsync("/api/v1/auth/tokens", new { email = ParleyApp.ManagerEmail, password = ParleyApp.Password }));
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);

        var revoke = await owner.DeleteAsync($"/api/v1/auth/tokens/{created.GetProperty("id").GetString()}");

        await AssertProblemAsync(revoke, HttpStatusCode.NotFound);
        using var manager = app.CreateClient();
        manager.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", created.GetProperty("token").GetString());
        Assert.Equal(HttpStatusCode.OK, (await manager.GetAsync("/api/v1/me")).StatusCode);
    }

    [Fact]
    public async Task CreateToken_FiveWrongPasswords_LockedOutEvenWithRightPassword()
    {
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        var email = UniqueEmail("lockout");
        await InviteAsync(owner, email, password: "Right-Password-1");
        using var anonymous = app.CreateClient();
        Assert.Equal(HttpStatusCode.Created, (await anonymous.PostAsJsonAsync("/api/v1/auth/tokens", new { email, password = "Right-Password-1" })).StatusCode);

        for (var i = 0; i < 5; i++)
        {
            var wrong = await anonymous.PostAsJsonAsync("/api/v1/auth/tokens", new { email, password = $"wrong-{i}-password" });
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        var right = await anonymous.PostAsJsonAsync("/api/v1/auth/tokens", new { email, password = "Right-Password-1" });
        var problem = await AssertProblemAsync(right, HttpStatusCode.Unauthorized);
        Assert.Contains("locked", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Invite_ByOwner_201AndNewMemberCanSignIn()
    {
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        var email = UniqueEmail("invited");

        var created = await InviteAsync(owner, email, "supervisor", "Invited-Pass-1", "Ivanna Invited");

        Assert.Equal(email, created.GetProperty("email").GetString());
        Assert.Equal("supervisor", created.GetProperty("role").GetString());
        Assert.Contains(await TeamAsync(owner), m => m.GetProperty("email").GetString() == email && m.GetProperty("name").GetString() == "Ivanna Invited");
        using var invited = await app.SignInAsync(email, "Invited-Pass-1");
        Assert.Equal(created.GetProperty("id").GetString(), await MemberIdAsync(invited));
    }

    [Fact]
    public async Task Invite_ByManager_403WithReasonAndNobodyAdded()
    {
        using var manager = await app.SignInAsync(ParleyApp.ManagerEmail);
        var email = UniqueEmail("by-manager");

        var response = await manager.PostAsJsonAsync("/api/v1/team", new { email, name = "Sneaky", role = "owner", password = ParleyApp.Password });

        var problem = await AssertProblemAsync(response, HttpStatusCode.Forbidden);
        Assert.Contains("owner", problem.GetProperty("detail").GetString());
        Assert.DoesNotContain(await TeamAsync(manager), m => m.GetProperty("email").GetString() == email);
    }

    [Fact]
    public async Task Invite_BySupervisor_403()
    {
        using var supervisor = await app.SignInAsync(ParleyApp.SupervisorEmail);

        var response = await supervisor.PostAsJsonAsync("/api/v1/team", new { email = UniqueEmail("by-supervisor"), name = "X", role = "manager", password = ParleyApp.Password });

        await AssertProblemAsync(response, HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Invite_DuplicateEmail_400NamingEmail()
    {
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        var before = (await TeamAsync(owner)).Count;

        var response = await owner.PostAsJsonAsync("/api/v1/team", new { email = ParleyApp.ManagerEmail, name = "Second Maria", role = "manager", password = ParleyApp.Password });

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains("already exists", problem.GetProperty("errors").GetProperty("email")[0].GetString());
        Assert.Equal(before, (await TeamAsync(owner)).Count);
    }

    [Fact]
    public async Task Invite_DuplicateEmailInOtherCase_400NamingEmail()
    {
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        var before = (await TeamAsync(owner)).Count;

        var response = await owner.PostAsJsonAsync("/api/v1/team", new { email = ParleyApp.ManagerEmail.ToUpperInvariant(), name = "Upper Maria", role = "manager", password = ParleyApp.Password });

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("email", out _), problem.ToString());
        Assert.False(problem.GetProperty("errors").TryGetProperty("password", out _), problem.ToString());
        Assert.Equal(before, (await TeamAsync(owner)).Count);
    }

    [Fact]
    public async Task Invite_ShortPassword_400NamingPassword()
    {
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        var email = UniqueEmail("short");

        var response = await owner.PostAsJsonAsync("/api/v1/team", new { email, name = "Shorty", role = "manager", password = "abc" });

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains("8 characters", problem.GetProperty("errors").GetProperty("password")[0].GetString());
        Assert.DoesNotContain(await TeamAsync(owner), m => m.GetProperty("email").GetString() == email);
    }

    [Fact]
    public async Task Invite_MissingRoleAndBadEmail_400NamingEachField()
    {
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);

        var response = await owner.PostAsJsonAsync("/api/v1/team", new { email = "not-an-email", name = "Roleless", password = ParleyApp.Password });

        var errors = (await AssertProblemAsync(response, HttpStatusCode.BadRequest)).GetProperty("errors");
        Assert.Contains("role", errors.GetProperty("role")[0].GetString());
        Assert.Contains("not a valid email", errors.GetProperty("email")[0].GetString());
    }

    [Fact]
    public async Task Invite_UnknownRole_400AndNobodyAdded()
    {
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        var email = UniqueEmail("janitor");

        var response = await owner.PostAsJsonAsync("/api/v1/team", new { email, name = "Jan", role = "janitor", password = ParleyApp.Password });

        await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.DoesNotContain(await TeamAsync(owner), m => m.GetProperty("email").GetString() == email);
    }

    [Fact]
    public async Task Invite_UnknownRole_400NamingRole()
    {
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);

        var response = await owner.PostAsJsonAsync("/api/v1/team", new { email = UniqueEmail("janitor2"), name = "Jan", role = "janitor", password = ParleyApp.Password });

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.TryGetProperty("errors", out var errors) && errors.TryGetProperty("role", out _), problem.ToString());
    }

    [Fact]
    public async Task UpdateMember_OwnerDeactivates_MembersTokenAndPassword401()
    {
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        var email = UniqueEmail("leaver");
        var created = await InviteAsync(owner, email);
        using var member = await app.SignInAsync(email);

        var response = await owner.PatchAsJsonAsync($"/api/v1/team/{created.GetProperty("id").GetString()}", new { isActive = false });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False((await Json(response)).GetProperty("isActive").GetBoolean());
        Assert.Equal(HttpStatusCode.Unauthorized, (await member.GetAsync("/api/v1/me")).StatusCode);
        using var anonymous = app.CreateClient();
        await AssertProblemAsync(await anonymous.PostAsJsonAsync("/api/v1/auth/tokens", new { email, password = ParleyApp.Password }), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task UpdateMember_ManagerOwnConsoleLanguage_200AndStored()
    {
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        var email = UniqueEmail("lang");
        var created = await InviteAsync(owner, email);
        using var member = await app.SignInAsync(email);

        var response = await member.PatchAsJsonAsync($"/api/v1/team/{created.GetProperty("id").GetString()}", new { consoleLanguage = "en" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("en", (await GetJsonAsync(member, "/api/v1/me")).GetProperty("member").GetProperty("consoleLanguage").GetString());
    }

    [Fact]
    public async Task UpdateMember_UnknownConsoleLanguage_400NamingConsoleLanguage()
    {
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        var email = UniqueEmail("lang-bad");
        var created = await InviteAsync(owner, email);
        using var member = await app.SignInAsync(email);

        var response = await member.PatchAsJsonAsync($"/api/v1/team/{created.GetProperty("id").GetString()}", new { consoleLanguage = "klingon" });

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("consoleLanguage", out _));
        Assert.Equal(JsonValueKind.Null, (await GetJsonAsync(member, "/api/v1/me")).GetProperty("member").GetProperty("consoleLanguage").ValueKind);
    }

    [Fact]
    public async Task UpdateMember_ManagerChangesOwnRole_403AndRoleUnchanged()
    {
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        var email = UniqueEmail("climber");
        var created = await InviteAsync(owner, email);
        using var member = await app.SignInAsync(email);

        var response = await member.PatchAsJsonAsync($"/api/v1/team/{created.GetProperty("id").GetString()}", new { role = "owner" });

        await AssertProblemAsync(response, HttpStatusCode.Forbidden);
        Assert.Equal("manager", (await GetJsonAsync(member, "/api/v1/me")).GetProperty("member").GetProperty("role").GetString());
    }

    [Fact]
    public async Task UpdateMember_ManagerPatchesAnotherMember_403AndNameUnchanged()
    {
        using var manager = await app.SignInAsync(ParleyApp.ManagerEmail);
        using var supervisor = await app.SignInAsync(ParleyApp.SupervisorEmail);
        var supervisorId = await MemberIdAsync(supervisor);

        var response = await manager.PatchAsJsonAsync($"/api/v1/team/{supervisorId}", new { name = "Renamed by manager" });

        var problem = await AssertProblemAsync(response, HttpStatusCode.Forbidden);
        Assert.Contains("owner", problem.GetProperty("detail").GetString());
        Assert.Equal("Stepan Supervisor", (await GetJsonAsync(supervisor, $"/api/v1/team/{supervisorId}")).GetProperty("name").GetString());
    }
}

public sealed class AuthTests_Sqlite(SqliteApp app) : AuthTests<SqliteApp>(app);

public sealed class AuthTests_Postgres(PostgresApp app) : AuthTests<PostgresApp>(app);
