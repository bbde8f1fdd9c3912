using Parley.Browser.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Parley.Browser.Tests.Console;

/// <summary>
/// The LiveChat screen with a few chats, as a picture: written as a test artifact on every run, and to docs/console.png
/// (the README's picture) when PARLEY_UPDATE_SCREENSHOT=1.
/// </summary>
public abstract class ScreenshotTests<TApp>(TApp app) : BrowserTest<TApp>(app)
    where TApp : ConsoleApp
{
    [Fact]
    public async Task LiveChat_AFewChatsInEnglish_ScreenshotShowsListConversationAndClientCard()
    {
        await using var hook = await WebhookReceiver.StartAsync();
        using var owner = await App.ApiAsync(ConsoleApp.OwnerEmail);
        var channel = await ApiChannel.CreateAsync(owner, hook.Url, "Online shop");
        await channel.ClientSaysAsync(owner, "c-1", "Hi! Can I change the delivery address for order 1042?", "Anna Kovalenko", "en");
        await channel.ClientSaysAsync(owner, "c-2", "Доброго дня! Чи є ця куртка в розмірі M?", "Taras Shevchuk");
        await channel.ClientSaysAsync(owner, "c-3", "Payment failed twice, what should I do?", "John Miller", "en");
        var page = await App.SignInAsync(ConsoleApp.OwnerEmail);
        await page.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "EN", Exact = true }).ClickAsync();
        await Expect(page.GetByTestId("folder-new")).ToContainTextAsync("New");

        await page.GetByTestId("chat").Filter(new() { HasText = "Anna Kovalenko" }).ClickAsync();
        await page.GetByTestId("reply").ClickAsync();
        await Expect(page.GetByTestId("conversation")).ToHaveAttributeAsync("data-folder", "Active");
        await page.GetByTestId("composer").FillAsync("Of course! Which address should we use?");
        await page.GetByTestId("composer").PressAsync("Enter");
        await channel.ClientSaysAsync(owner, "c-1", "Kyiv, Khreshchatyk 1, apt. 5", "Anna Kovalenko", "en");
        await page.GetByTestId("note-mode").CheckAsync();
        await page.GetByTestId("composer").FillAsync("Order 1042 is not shipped yet — safe to change.");
        await page.GetByTestId("composer").PressAsync("Enter");
        await Expect(page.Locator(".msg.note")).ToBeVisibleAsync();
        await page.GetByTestId("folder-new").ClickAsync();
        await Expect(page.GetByTestId("chat")).ToHaveCountAsync(2);

        var artifact = Path.Combine(AppContext.BaseDirectory, "screenshots", $"livechat-{typeof(TApp).Name}.png");
        Directory.CreateDirectory(Path.GetDirectoryName(artifact)!);
        await page.ScreenshotAsync(new() { Path = artifact });
        Assert.True(new FileInfo(artifact).Length > 10_000);
        if (Environment.GetEnvironmentVariable("PARLEY_UPDATE_SCREENSHOT") == "1" && App is SqliteConsoleApp)
            File.Copy(artifact, Path.Combine(ConsoleApp.RepositoryRoot(), "docs", "console.png"), overwrite: true);
    }
}

public sealed class ScreenshotTests_Sqlite(SqliteConsoleApp app) : ScreenshotTests<SqliteConsoleApp>(app);

public sealed class ScreenshotTests_Postgres(PostgresConsoleApp app) : ScreenshotTests<PostgresConsoleApp>(app);
