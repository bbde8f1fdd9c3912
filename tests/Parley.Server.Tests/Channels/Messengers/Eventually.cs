using System.Text.Json;
using Parley.Server.Tests.Infrastructure;

namespace Parley.Server.Tests.Channels.Messengers;

/// <summary>Waiting (bounded, real time) for the background workers: inbound processing and the outbox.</summary>
internal static class Eventually
{
    public static async Task<T> GetAsync<T>(Func<Task<T?>> probe, string what, int seconds = 15)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(seconds);
        while (true)
        {
            if (await probe() is { } found) return found;
            if (DateTime.UtcNow > deadline) Assert.Fail($"Timed out waiting for {what}.");
            await Task.Delay(25);
        }
    }

    public static Task TrueAsync(Func<Task<bool>> probe, string what) =>
        GetAsync<object>(async () => await probe() ? new object() : null, what);

    /// <summary>The channel's latest conversation, in whichever folder it is.</summary>
    public static Task<JsonElement?> ConversationOfChannelAsync(HttpClient member, string channelId) =>
        GetAsync<JsonElement?>(async () =>
        {
            foreach (var folder in new[] { "new", "active", "archived" })
            {
                var page = await Api.GetJsonAsync(member, $"/api/v1/conversations?folder={folder}&limit=100");
                foreach (var item in page.GetProperty("items").EnumerateArray())
                    if (item.GetProperty("channelId").GetString() == channelId) return item;
            }

            return null;
        }, $"a conversation on channel {channelId}");

    public static async Task<JsonElement> MessageAsync(HttpClient member, string conversationId, Func<JsonElement, bool> match, string what) =>
        await GetAsync<JsonElement?>(async () =>
        {
            foreach (var m in await Api.MessagesAsync(member, conversationId))
                if (match(m)) return m;
            return null;
        }, what) ?? default;
}
