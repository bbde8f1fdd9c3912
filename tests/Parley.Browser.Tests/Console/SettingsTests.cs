using System.Net.Http.Json;
using System.Text.Json;
using Parley.Browser.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Parley.Browser.Tests.Console;

/// <summary>Settings pages change the same settings the API reads, and refuse bad input in the rule's own words.</summary>
public abstract class SettingsTests<TApp>(TApp app) : BrowserTest<TApp>(app)
    where TApp : ConsoleApp
{
    [Fact]
    public async Task CompanySettings_OwnerTurnsOnForbidEditing_ApiSeesIt()
    {
        using var owner = await App.ApiAsync(ConsoleApp.OwnerEmail);
        var page = await App.SignInAsync(ConsoleApp.OwnerEmail);
        await page.GetByTestId("settings-menu").ClickAsync();
        await page.GetByRole(Microsoft.Playwright.AriaRole.Link, new() { Name = "Компанія" }).ClickAsync();
        try
        {
            await page.GetByTestId("forbid-editing").CheckAsync();
            await page.GetByTestId("save-company").ClickAsync();
            await Expect(page.GetByRole(Microsoft.Playwright.AriaRole.Status)).ToHaveTextAsync("Збережено");
            var settings = await owner.GetFromJsonAsync<JsonElement>("/api/v1/settings/company");
            Assert.True(settings.GetProperty("forbidEditing").GetBoolean());
        }
        finally
        {
            await Settings.PatchAsync(owner, new { forbidEditing = false });
        }
    }

    [Fact]
    public async Task CompanySettings_UnknownTimeZone_RefusedWithTheReasonAndNothingChanges()
    {
        using var owner = await App.ApiAsync(ConsoleApp.OwnerEmail);
        var page = await App.SignInAsync(ConsoleApp.OwnerEmail);
        await page.GotoAsync("/settings/company");
        await page.GetByLabel("Часовий пояс (IANA)").FillAsync("Mars/Olympus");
        await page.GetByTestId("forbid-editing").CheckAsync();
        await page.GetByTestId("save-company").ClickAsync();
        await Expect(page.GetByTestId("settings-error")).ToContainTextAsync("'Mars/Olympus' is not a known time zone");
        var settings = await owner.GetFromJsonAsync<JsonElement>("/api/v1/settings/company");
        Assert.Equal("Europe/Kyiv", settings.GetProperty("timeZone").GetString());
        Assert.False(settings.GetProperty("forbidEditing").GetBoolean());
    }

    [Fact]
    public async Task Team_OwnerInvitesManager_NewMemberSignsInToTheConsole()
    {
        var page = await App.SignInAsync(ConsoleApp.OwnerEmail);
        await page.GotoAsync("/settings/team");
        var email = $"new-{Guid.NewGuid().ToString("N")[..8]}@demo.local";
        await page.GetByLabel("Пошта").FillAsync(email);
        await page.GetByLabel("Імʼя").FillAsync("Nadia Newcomer");
        await page.GetByLabel("Перший пароль (від 8 символів)").FillAsync(ConsoleApp.Password);
        await page.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "Запросити" }).ClickAsync();
        await Expect(page.GetByTestId("team")).ToContainTextAsync("Nadia Newcomer");

        var newcomer = await App.SignInAsync(email);
        await Expect(newcomer.GetByTestId("member-name")).ToHaveTextAsync("Nadia Newcomer");
        await Expect(newcomer.GetByTestId("settings-menu")).ToHaveCountAsync(0);
    }
}

public sealed class SettingsTests_Sqlite(SqliteConsoleApp app) : SettingsTests<SqliteConsoleApp>(app);

public sealed class SettingsTests_Postgres(PostgresConsoleApp app) : SettingsTests<PostgresConsoleApp>(app);
