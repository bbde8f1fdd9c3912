using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Parley.Bench;

/// <summary>The REST API as a signed-in team member (bearer token from <c>POST /api/v1/auth/tokens</c>).</summary>
public sealed class ParleyApi : IDisposable
{
    private ParleyApi(HttpClient http, string token, Guid memberId, Guid companyId)
    {
        Http = http;
        Token = token;
        MemberId = memberId;
        CompanyId = companyId;
    }

    public HttpClient Http { get; }

    public string Token { get; }

    public Guid MemberId { get; }

    public Guid CompanyId { get; }

    /// <summary>The owner named by --email/--password; by default the demo owner with the server's Parley:Demo:Password.</summary>
    public static Task<ParleyApi> SignInOwnerAsync(BenchArgs args, CancellationToken ct) =>
        SignInAsync(args.Url, args.Get("email", "owner@demo.local"),
            args.Get("password") ?? throw new ArgumentException("--password is required (the owner's; for the demo company, Parley:Demo:Password)."), ct);

    public static async Task<ParleyApi> SignInAsync(Uri url, string email, string password, CancellationToken ct)
    {
        var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(10), MaxConnectionsPerServer = 64 })
        {
            BaseAddress = url,
            Timeout = TimeSpan.FromSeconds(60),
        };
        using var response = await http.PostAsJsonAsync("api/v1/auth/tokens", new { email, password, name = "bench" }, ct);
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"Sign-in as {email} failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
        var created = await response.Content.ReadFromJsonAsync<JsonObject>(ct) ?? throw new InvalidOperationException("Empty sign-in answer.");
        var token = (string)created["token"]!;
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return new ParleyApi(http, token, Guid.Parse((string)created["memberId"]!), Guid.Parse((string)created["companyId"]!));
    }

    public async Task<JsonNode> GetAsync(string path, CancellationToken ct)
    {
        using var response = await Http.GetAsync(path, ct);
        return await ReadAsync(response, path, ct);
    }

    public async Task<JsonNode> PostAsync(string path, object? body, CancellationToken ct)
    {
        using var response = await Http.PostAsJsonAsync(path, body, ct);
        return await ReadAsync(response, path, ct);
    }

    public async Task<JsonNode> PatchAsync(string path, object? body, CancellationToken ct)
    {
        using var response = await Http.PatchAsJsonAsync(path, body, ct);
        return await ReadAsync(response, path, ct);
    }

    /// <summary>The enabled widget channel's public token (the first one), which visitors join with.</summary>
    public async Task<string> WidgetTokenAsync(CancellationToken ct)
    {
        var channels = (await GetAsync("api/v1/channels", ct)).AsArray();
        return channels.Where(c => string.Equals((string?)c!["type"], "widget", StringComparison.OrdinalIgnoreCase) && (bool?)c["isEnabled"] == true).Select(c => (string)c!["publicToken"]!).FirstOrDefault()
            ?? throw new InvalidOperationException("The company has no enabled widget channel.");
    }

    private static async Task<JsonNode> ReadAsync(HttpResponseMessage response, string path, CancellationToken ct)
    {
        var body = await response.Content.ReadAsStringAsync(ct);
        if (!response.IsSuccessStatusCode) throw new HttpRequestException($"{path}: {(int)response.StatusCode} {body}");
        return body.Length == 0 ? new JsonObject() : JsonNode.Parse(body) ?? new JsonObject();
    }

    public void Dispose() => Http.Dispose();
}
