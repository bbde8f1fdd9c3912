using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Parley.Browser.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Parley.Browser.Tests.Console;

/// <summary>Shifts in the console header and the supervisor view, with automatic distribution deciding who gets a chat.</summary>
public abstract class ShiftTests<TApp>(TApp app) : BrowserTest<TApp>(app)
    where TApp : ConsoleApp
{
    [Fact]
    public async Task Shift_StartThenEndInConsole_ChatAssignedLiveWhileOnShiftAndQueuedAfter()
    {
        await using var hook = await WebhookReceiver.StartAsync();
        using var owner = await App.ApiAsync(ConsoleApp.OwnerEmail);
        using var managerApi = await App.ApiAsync(ConsoleApp.ManagerEmail);
        var managerId = (await managerApi.GetFromJsonAsync<JsonElement>("/api/v1/me")).GetProperty("member").GetProperty("id").GetString();
        var channel = await ApiChannel.CreateAsync(owner, hook.Url);
        await PatchDistributionAsync(owner, new { mode = "automatic" });
        try
        {
            var page = await App.SignInAsync(ConsoleApp.ManagerEmail);
            var shift = page.GetByTestId("shift");
            await Expect(shift).ToHaveAttributeAsync("data-on-shift", "false");

            await page.GetByTestId("shift-toggle").ClickAsync();
            await Expect(shift).ToHaveAttributeAsync("data-on-shift", "true");
            await Expect(shift).ToHaveAttributeAsync("data-eligibility", "Eligible");
            await Expect(page.GetByTestId("presence-online")).ToHaveAttributeAsync("aria-pressed", "true");

            // On shift and Online: the client's chat arrives live in New, already assigned to the manager.
            var first = "Petro " + Guid.NewGuid().ToString("N")[..6];
            var firstId = await channel.ClientSaysAsync(owner, first, "Де моє замовлення?", first);
            var chat = page.GetByTestId("chat").Filter(new() { HasText = first });
            await Expect(chat.Locator(".assignee")).ToHaveTextAsync("Maria Manager");
            await Expect(page.GetByTestId("folder-new")).ToHaveAttributeAsync("aria-selected", "true");
            Assert.Equal(managerId, await AssigneeAsync(owner, firstId));
            await Expect(page.GetByTestId("shift-load")).ToHaveTextAsync("1/10");

            // Off shift: the next chat waits unassigned in the queue (the manager still sees it there, as everyone does).
            await page.GetByTestId("shift-toggle").ClickAsync();
            await Expect(shift).ToHaveAttributeAsync("data-on-shift", "false");
            // The chat they had not accepted yet goes back to the queue (nobody else is on shift).
            await Expect(chat.Locator(".assignee")).ToHaveCountAsync(0);
            Assert.Null(await AssigneeAsync(owner, firstId));
            var second = "Oksana " + Guid.NewGuid().ToString("N")[..6];
            var secondId = await channel.ClientSaysAsync(owner, second, "Добрий вечір", second);
            await Expect(page.GetByTestId("chat").Filter(new() { HasText = second })).ToBeVisibleAsync();
            await Expect(page.GetByTestId("chat").Filter(new() { HasText = second }).Locator(".assignee")).ToHaveCountAsync(0);
            Assert.Null(await AssigneeAsync(owner, secondId));
        }
        finally
        {
            (await managerApi.PostAsync("/api/v1/me/shift/end", null)).EnsureSuccessStatusCode();
            await PatchDistributionAsync(owner, new { mode = "manual" });
        }
    }

    [Fact]
    public async Task SupervisorView_OwnerOpensIt_ListsManagersLiveAndManagerHasNoLink()
    {
        var manager = await App.SignInAsync(ConsoleApp.ManagerEmail);
        await Expect(manager.GetByTestId("shift")).ToBeVisibleAsync();
        await Expect(manager.GetByTestId("nav-distribution")).ToHaveCountAsync(0);

        var owner = await App.SignInAsync(ConsoleApp.OwnerEmail);
        await owner.GetByTestId("nav-distribution").ClickAsync();
        var maria = owner.GetByTestId("distribution-member").Filter(new() { HasText = "Maria Manager" });
        await Expect(maria).ToHaveAttributeAsync("data-on-shift", "false");
        await Expect(maria.GetByTestId("member-load")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^\d+ / 10$"));
        await Expect(owner.GetByTestId("queue-length")).ToBeVisibleAsync();

        // The manager starts a shift in their console: the owner's view shows it without a reload.
        try
        {
            await manager.GetByTestId("shift-toggle").ClickAsync();
            await Expect(maria).ToHaveAttributeAsync("data-on-shift", "true");
            await Expect(maria).ToHaveAttributeAsync("data-presence", "Online");
            await manager.GetByTestId("presence-invisible").ClickAsync();
            await Expect(maria).ToHaveAttributeAsync("data-presence", "Invisible");
        }
        finally
        {
            await manager.GetByTestId("presence-online").ClickAsync();
            await manager.GetByTestId("shift-toggle").ClickAsync();
            await Expect(maria).ToHaveAttributeAsync("data-on-shift", "false");
        }
    }

    private static async Task PatchDistributionAsync(HttpClient owner, object patch)
    {
        var response = await owner.PatchAsJsonAsync("/api/v1/distribution/settings", patch);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    private static async Task<string?> AssigneeAsync(HttpClient owner, string conversationId)
    {
        var body = (await owner.GetFromJsonAsync<JsonElement>($"/api/v1/conversations/{conversationId}")).GetProperty("conversation");
        return body.TryGetProperty("assigneeId", out var a) && a.ValueKind == JsonValueKind.String ? a.GetString() : null;
    }
}

public sealed class ShiftTests_Sqlite(SqliteConsoleApp app) : ShiftTests<SqliteConsoleApp>(app);

public sealed class ShiftTests_Postgres(PostgresConsoleApp app) : ShiftTests<PostgresConsoleApp>(app);
