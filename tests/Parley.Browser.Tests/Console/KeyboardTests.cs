using Parley.Browser.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Parley.Browser.Tests.Console;

/// <summary>The LiveChat screen by keyboard alone: search, next chat, accept, and the help overlay.</summary>
public abstract class KeyboardTests<TApp>(TApp app) : BrowserTest<TApp>(app)
    where TApp : ConsoleApp
{
    [Fact]
    public async Task Keyboard_SearchNextChatAndAccept_WorkWithoutTheMouse()
    {
        await using var hook = await WebhookReceiver.StartAsync();
        using var owner = await App.ApiAsync(ConsoleApp.OwnerEmail);
        var channel = await ApiChannel.CreateAsync(owner, hook.Url);
        var tag = Guid.NewGuid().ToString("N")[..6];
        await channel.ClientSaysAsync(owner, "k1-" + tag, "Перше питання " + tag, "Kyrylo " + tag);
        await channel.ClientSaysAsync(owner, "k2-" + tag, "Друге питання", "Lesia " + tag);
        var page = await App.SignInAsync(ConsoleApp.ManagerEmail);

        // Alt+K focuses search; full-text search finds the message text.
        await page.Keyboard.PressAsync("Alt+KeyK");
        await Expect(page.GetByTestId("search")).ToBeFocusedAsync();
        await page.Keyboard.TypeAsync("Перше питання " + tag);
        await Expect(page.GetByTestId("chat")).ToHaveCountAsync(1);
        await Expect(page.GetByTestId("chat")).ToContainTextAsync("Kyrylo " + tag);

        // Alt+↓ opens the first chat of the list, Alt+R accepts it.
        await page.Keyboard.PressAsync("Alt+ArrowDown");
        await Expect(page.GetByTestId("conversation")).ToHaveAttributeAsync("data-folder", "New");
        await page.Keyboard.PressAsync("Alt+KeyR");
        await Expect(page.GetByTestId("conversation")).ToHaveAttributeAsync("data-folder", "Active");
    }

    [Fact]
    public async Task Keyboard_QuestionMark_OpensHelpAndEscapeClosesIt()
    {
        var page = await App.SignInAsync(ConsoleApp.ManagerEmail);
        await page.Locator("body").PressAsync("?");
        var help = page.GetByRole(Microsoft.Playwright.AriaRole.Dialog);
        await Expect(help).ToContainTextAsync("Гарячі клавіші");
        await Expect(help).ToContainTextAsync("Alt + R");
        await page.Keyboard.PressAsync("Escape");
        await Expect(help).ToHaveCountAsync(0);
    }
}

public sealed class KeyboardTests_Sqlite(SqliteConsoleApp app) : KeyboardTests<SqliteConsoleApp>(app);

public sealed class KeyboardTests_Postgres(PostgresConsoleApp app) : KeyboardTests<PostgresConsoleApp>(app);
