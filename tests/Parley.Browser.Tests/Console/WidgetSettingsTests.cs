using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Parley.Browser.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Parley.Browser.Tests.Console;

/// <summary>The widget's settings page changes what GET /api/v1/channels/{id}/widget returns, and refuses bad input in the rule's own words.</summary>
public abstract class WidgetSettingsTests<TApp>(TApp app) : BrowserTest<TApp>(app)
    where TApp : ConsoleApp
{
    [Fact]
    public async Task WidgetSettings_OwnerChangesTitleColourAndOrigin_ApiReturnsTheNewValues()
    {
        using var owner = await App.ApiAsync(ConsoleApp.OwnerEmail);
        var demoId = await DemoSiteIdAsync(owner);
        var page = await App.SignInAsync(ConsoleApp.OwnerEmail);
        await page.GotoAsync("/settings/channels");
        var row = page.GetByTestId("channels").Locator("tr", new() { HasText = "Demo site" });
        await row.GetByTestId("widget-settings-link").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Uri(App.BaseAddress, $"/settings/channels/{demoId}/widget").ToString());
        await Expect(page.GetByTestId("widget-embed-snippet")).ToContainTextAsync("/widget.js\" data-channel=\"");

        await page.GetByTestId("widget-title").FillAsync("Ask the shop");
        await page.GetByTestId("widget-color").FillAsync("#E8590C");
        var origins = page.GetByTestId("widget-origins");
        var existing = await origins.InputValueAsync();
        await origins.FillAsync(existing + "\nHTTPS://Shop.Example:443/");
        await page.GetByLabel("Телефон").SelectOptionAsync("Required");
        await page.GetByTestId("save-widget").ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Збережено");

        var widget = await owner.GetFromJsonAsync<JsonElement>($"/api/v1/channels/{demoId}/widget");
        var settings = widget.GetProperty("settings");
        Assert.Equal("Ask the shop", settings.GetProperty("title").GetString());
        Assert.Equal("#e8590c", settings.GetProperty("color").GetString());
        Assert.Contains("https://shop.example", settings.GetProperty("allowedOrigins").EnumerateArray().Select(o => o.GetString()));
        Assert.Equal("required", settings.GetProperty("preChat").GetProperty("phone").GetString());
        // The page shows what is stored now: the origin as the rule normalized it.
        await Expect(origins).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("^https://shop\\.example$", System.Text.RegularExpressions.RegexOptions.Multiline));
    }

    [Fact]
    public async Task WidgetSettings_InvalidColour_ShowsTheRuleAndNothingChanges()
    {
        using var owner = await App.ApiAsync(ConsoleApp.OwnerEmail);
        var id = await CreateWidgetAsync(owner);
        var before = await owner.GetStringAsync($"/api/v1/channels/{id}/widget");
        var page = await App.SignInAsync(ConsoleApp.OwnerEmail);
        await page.GotoAsync($"/settings/channels/{id}/widget");

        await page.GetByTestId("widget-title").FillAsync("Never stored");
        await page.GetByTestId("widget-color").FillAsync("orange");
        await page.GetByTestId("save-widget").ClickAsync();
        await Expect(page.GetByTestId("settings-error")).ToHaveTextAsync("'color' must be a hex colour such as #3b5bdb.");

        Assert.Equal(before, await owner.GetStringAsync($"/api/v1/channels/{id}/widget"));
    }

    [Fact]
    public async Task WidgetSettings_InvalidOrigin_ShowsTheRuleNamingItAndNothingChanges()
    {
        using var owner = await App.ApiAsync(ConsoleApp.OwnerEmail);
        var id = await CreateWidgetAsync(owner);
        var before = await owner.GetStringAsync($"/api/v1/channels/{id}/widget");
        var page = await App.SignInAsync(ConsoleApp.OwnerEmail);
        await page.GotoAsync($"/settings/channels/{id}/widget");

        await page.GetByTestId("widget-origins").FillAsync("https://shop.example/checkout");
        await page.GetByTestId("save-widget").ClickAsync();
        await Expect(page.GetByTestId("settings-error")).ToContainTextAsync("'https://shop.example/checkout' is not an origin");

        Assert.Equal(before, await owner.GetStringAsync($"/api/v1/channels/{id}/widget"));
    }

    [Fact]
    public async Task WidgetSettings_Manager_RefusedAndSeesNoForm()
    {
        using var owner = await App.ApiAsync(ConsoleApp.OwnerEmail);
        var demoId = await DemoSiteIdAsync(owner);
        var page = await App.SignInAsync(ConsoleApp.ManagerEmail);
        await page.GotoAsync($"/settings/channels/{demoId}/widget");

        await Expect(page.GetByTestId("settings-error")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("widget-form")).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("widget-embed-snippet")).ToHaveCountAsync(0);
    }

    private static async Task<string> DemoSiteIdAsync(HttpClient owner)
    {
        var channels = await owner.GetFromJsonAsync<JsonElement>("/api/v1/channels");
        return channels.EnumerateArray().Single(c => c.GetProperty("name").GetString() == "Demo site").GetProperty("id").GetString()!;
    }

    private static async Task<string> CreateWidgetAsync(HttpClient owner)
    {
        var response = await owner.PostAsJsonAsync("/api/v1/channels", new { type = "widget", name = "Shop " + Guid.NewGuid().ToString("N")[..6] });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }
}

public sealed class WidgetSettingsTests_Sqlite(SqliteConsoleApp app) : WidgetSettingsTests<SqliteConsoleApp>(app);

public sealed class WidgetSettingsTests_Postgres(PostgresConsoleApp app) : WidgetSettingsTests<PostgresConsoleApp>(app);
