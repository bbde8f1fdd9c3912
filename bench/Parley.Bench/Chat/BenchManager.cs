using System.Text.Json.Nodes;
using Microsoft.AspNetCore.SignalR.Client;

namespace Parley.Bench.Chat;

/// <summary>A team member with the Manager role: signed in through the API, connected to <c>/hubs/team</c>.</summary>
public sealed class BenchManager : IAsyncDisposable
{
    private BenchManager(int index, ParleyApi api, HubConnection hub)
    {
        Index = index;
        Api = api;
        Hub = hub;
    }

    public int Index { get; }

    public ParleyApi Api { get; }

    public HubConnection Hub { get; }

    public Guid MemberId => Api.MemberId;

    public static string Email(int index) => $"bench-manager-{index + 1}@demo.local";

    /// <summary>
    /// Adds the managers bench-manager-1..N@demo.local through <c>POST /api/v1/team</c> unless they exist (a second run
    /// on the same database reuses them).
    /// </summary>
    public static async Task EnsureExistAsync(ParleyApi owner, int count, string password, CancellationToken ct)
    {
        var existing = (await owner.GetAsync("api/v1/team", ct)).AsArray()
            .Select(m => (string?)m!["email"]).OfType<string>().ToHashSet(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < count; i++)
        {
            if (existing.Contains(Email(i))) continue;
            await owner.PostAsync("api/v1/team", new { email = Email(i), name = $"Bench Manager {i + 1}", role = "manager", password }, ct);
        }
    }

    /// <summary>Signs in and connects; <paramref name="wire"/> registers the event handlers before the connection starts.</summary>
    public static async Task<BenchManager> ConnectAsync(Uri url, int index, string password, Action<BenchManager> wire, CancellationToken ct)
    {
        var api = await ParleyApi.SignInAsync(url, Email(index), password, ct);
        var manager = new BenchManager(index, api, Hubs.Build(url, "hubs/team", api.Token));
        wire(manager);
        try
        {
            await manager.Hub.StartAsync(ct);
        }
        catch
        {
            await manager.DisposeAsync();
            throw;
        }

        return manager;
    }

    /// <summary>Accepts through the REST API (the fallback for a conversation whose hub event was missed).</summary>
    public async Task<JsonNode> AcceptByApiAsync(Guid conversationId, CancellationToken ct) =>
        await Api.PostAsync($"api/v1/conversations/{conversationId}/accept", null, ct);

    public async ValueTask DisposeAsync()
    {
        await Hub.DisposeAsync();
        Api.Dispose();
    }
}
