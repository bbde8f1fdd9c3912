using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Parley.Data;
using Parley.Domain.Companies;
using Parley.Domain.Team;
using Parley.Server.Distribution;
using Parley.Server.Team;
using Parley.Server.Tests.Infrastructure;
using static Parley.Server.Tests.Infrastructure.Api;

namespace Parley.Server.Tests.Distribution;

/// <summary>
/// A company of its own for one test (so that queues and loads never mix between tests), with an owner, an API channel and
/// managers invited through the API; automatic mode unless told otherwise.
/// </summary>
internal sealed class DistributionWorld : IAsyncDisposable
{
    private readonly List<HttpClient> _clients = [];

    private DistributionWorld(ParleyApp app, Guid companyId, HttpClient owner, WebhookReceiver hook, ApiChannel channel)
    {
        App = app;
        CompanyId = companyId;
        Owner = owner;
        Hook = hook;
        Channel = channel;
        Anonymous = app.CreateClient();
        _clients.Add(owner);
        _clients.Add(Anonymous);
    }

    public ParleyApp App { get; }

    public Guid CompanyId { get; }

    public HttpClient Owner { get; }

    public HttpClient Anonymous { get; }

    public WebhookReceiver Hook { get; }

    public ApiChannel Channel { get; }

    public string Tag { get; } = Guid.NewGuid().ToString("N")[..8];

    public static async Task<DistributionWorld> CreateAsync(ParleyApp app, object? settings = null)
    {
        var email = $"owner-{Guid.NewGuid():N}@distribution.test";
        Guid companyId;
        using (var scope = app.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ParleyDbContext>();
            var now = app.Time.GetUtcNow().UtcDateTime;
            var company = new Company { Name = "Distribution Co", CreatedAt = now };
            var owner = new TeamMember { CompanyId = company.Id, Email = email, Name = "Oksana Owner", Role = Role.Owner, CreatedAt = now };
            db.Companies.Add(company);
            db.TeamMembers.Add(owner);
            await db.SaveChangesAsync();
            var result = await scope.ServiceProvider.GetRequiredService<SignIn>().CreateAccountAsync(owner, ParleyApp.Password);
            Assert.True(result.Succeeded, string.Join("; ", result.Errors.Select(e => e.Description)));
            companyId = company.Id;
        }

        var ownerClient = await app.SignInAsync(email);
        var hook = await WebhookReceiver.StartAsync();
        var channel = await CreateApiChannelAsync(ownerClient, hook.Url);
        var world = new DistributionWorld(app, companyId, ownerClient, hook, channel);
        await world.PatchDistributionAsync(settings ?? new { mode = "automatic" });
        return world;
    }

    public async Task<JsonElement> PatchDistributionAsync(object patch)
    {
        var response = await Owner.PatchAsJsonAsync("/api/v1/distribution/settings", patch);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return await Json(response);
    }

    /// <summary>Invites a manager through the API and signs them in.</summary>
    public async Task<Manager> ManagerAsync(string name, int? chatLimit = null)
    {
        var email = $"{name.ToLowerInvariant()}-{Tag}-{Guid.NewGuid().ToString("N")[..4]}@distribution.test";
        var response = await Owner.PostAsJsonAsync("/api/v1/team", new { email, name, role = "manager", password = ParleyApp.Password, chatLimit });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var id = (await Json(response)).GetProperty("id").GetString()!;
        var http = await App.SignInAsync(email);
        _clients.Add(http);
        return new Manager(name, email, id, http);
    }

    public async Task<string> ClientWritesAsync(string externalId, string text = "Добрий день") =>
        (await ClientSaysAsync(Anonymous, Channel, $"{externalId}-{Tag}", text)).ConversationId;

    public async Task<string?> AssigneeAsync(string conversationId) =>
        (await ConversationAsync(Owner, conversationId)).GetProperty("assigneeId") is { ValueKind: JsonValueKind.String } id ? id.GetString() : null;

    public async Task<JsonElement> BoardAsync() => await GetJsonAsync(Owner, "/api/v1/distribution");

    public async Task<List<string>> HistoryKindsAsync(string conversationId) =>
        [.. (await GetJsonAsync(Owner, $"/api/v1/conversations/{conversationId}/history")).EnumerateArray().Select(h => h.GetProperty("kind").GetString()!)];

    /// <summary>Runs one distribution pass right here, as another node would, and returns how many chats moved.</summary>
    public async Task<int> DrainAsync()
    {
        await using var scope = App.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<DistributionService>().DrainAsync(CompanyId);
    }

    /// <summary>Waits for background work (the assigner runs off the request) to reach a state; fails with what it saw.</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"Timed out waiting: {what}");
            await Task.Delay(20);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var c in _clients) c.Dispose();
        await Hook.DisposeAsync();
    }
}

internal sealed record Manager(string Name, string Email, string Id, HttpClient Http)
{
    public async Task<JsonElement> StartShiftAsync() => await Ok(await Http.PostAsync("/api/v1/me/shift/start", null));

    public async Task<JsonElement> EndShiftAsync() => await Ok(await Http.PostAsync("/api/v1/me/shift/end", null));

    public async Task<JsonElement> SetPresenceAsync(string presence) => await Ok(await Http.PutAsJsonAsync("/api/v1/me/presence", new { presence }));

    public async Task AcceptAndFinishAsync(string conversationId)
    {
        await Ok(await Http.PostAsync($"/api/v1/conversations/{conversationId}/accept", null));
        await Ok(await Http.PostAsync($"/api/v1/conversations/{conversationId}/finish", null));
    }

    private static async Task<JsonElement> Ok(HttpResponseMessage response)
    {
        Assert.True(response.IsSuccessStatusCode, $"{response.RequestMessage?.RequestUri}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await Json(response);
    }
}
