using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Parley.Server.Tests.Infrastructure;

/// <summary>Small helpers that speak the public API exactly as an integration would.</summary>
public static class Api
{
    public sealed record ApiChannel(string Id, string Secret);

    public static async Task<ApiChannel> CreateApiChannelAsync(HttpClient owner, string webhookUrl, string name = "Shop integration")
    {
        var response = await owner.PostAsJsonAsync("/api/v1/channels", new { type = "api", name, webhookUrl });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await Json(response);
        return new ApiChannel(body.GetProperty("id").GetString()!, body.GetProperty("secret").GetString()!);
    }

    public static async Task<HttpResponseMessage> InboundAsync(HttpClient http, ApiChannel channel, object payload)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/channels/{channel.Id}/inbound") { Content = JsonContent.Create(payload) };
        request.Headers.Add("X-Parley-Channel-Secret", channel.Secret);
        return await http.SendAsync(request);
    }

    /// <summary>A client message through the API channel; returns (conversationId, messageId).</summary>
    public static async Task<(string ConversationId, string? MessageId)> ClientSaysAsync(
        HttpClient http, ApiChannel channel, string clientId, string text, string language = "uk", string? name = "Ivan", string? clientMessageId = null)
    {
        var response = await InboundAsync(http, channel, new { clientId, name, language, text, clientMessageId = clientMessageId ?? Guid.NewGuid().ToString() });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var body = await Json(response);
        return (body.GetProperty("conversationId").GetString()!, body.GetProperty("messageId").GetString());
    }

    public static async Task<JsonElement> Json(HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<JsonElement>();

    public static async Task<JsonElement> GetJsonAsync(HttpClient http, string url)
    {
        var response = await http.GetAsync(url);
        Assert.True(response.IsSuccessStatusCode, $"GET {url} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return await Json(response);
    }

    public static async Task<List<JsonElement>> MessagesAsync(HttpClient http, string conversationId) =>
        [.. (await GetJsonAsync(http, $"/api/v1/conversations/{conversationId}/messages?limit=200")).GetProperty("items").EnumerateArray()];

    public static async Task<JsonElement> ConversationAsync(HttpClient http, string conversationId) =>
        (await GetJsonAsync(http, $"/api/v1/conversations/{conversationId}")).GetProperty("conversation");

    public static async Task<JsonElement> PatchSettingsAsync(HttpClient owner, object patch)
    {
        var response = await owner.PatchAsJsonAsync("/api/v1/settings/company", patch);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return await Json(response);
    }

    /// <summary>Asserts an RFC 9457 problem with the status, and returns it.</summary>
    public static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"Expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public static async Task<string> MemberIdAsync(HttpClient http) =>
        (await GetJsonAsync(http, "/api/v1/me")).GetProperty("member").GetProperty("id").GetString()!;

    /// <summary>The inbox's ids for the query, following nextCursor until the end or until <paramref name="enough"/> ids.</summary>
    public static async Task<List<string>> InboxIdsAsync(HttpClient member, string query, int enough)
    {
        var ids = new List<string>();
        string? cursor = null;
        do
        {
            var page = await GetJsonAsync(member, $"/api/v1/conversations?{query}" + (cursor is null ? "" : $"&cursor={cursor}"));
            ids.AddRange(page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()!));
            cursor = page.GetProperty("nextCursor").ValueKind == JsonValueKind.Null ? null : page.GetProperty("nextCursor").GetString();
        }
        while (cursor is not null && ids.Count < enough);

        return [.. ids.Take(enough)];
    }

    /// <summary>
    /// The ids of seeded rows in the inbox's order: newest last message first, ties broken as both databases order ids
    /// (a GUID's canonical text, ordinally), as <see cref="InboxIdsAsync"/> reads them.
    /// </summary>
    public static IEnumerable<string> InboxOrder<T>(IEnumerable<T> rows, Func<T, DateTime> lastMessageAt, Func<T, Guid> id) =>
        rows.OrderByDescending(lastMessageAt).ThenByDescending(r => id(r).ToString("D"), StringComparer.OrdinalIgnoreCase).Select(r => id(r).ToString());

    /// <summary>An inbox page's folder counts.</summary>
    public static (int New, int Active, int Archived) FolderCountsOf(JsonElement counts) =>
        (counts.GetProperty("new").GetInt32(), counts.GetProperty("active").GetInt32(), counts.GetProperty("archived").GetInt32());
}
