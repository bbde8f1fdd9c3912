using Microsoft.Playwright;
using Parley.Browser.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Parley.Browser.Tests.Console;

/// <summary>The LiveChat screen in Chromium: chats arrive live, are accepted, answered and finished through the console.</summary>
public abstract class LiveChatTests<TApp>(TApp app) : IClassFixture<TApp>
    where TApp : ConsoleApp
{
    [Fact]
    public async Task LiveChat_ClientWritesThroughApiChannel_ChatAppearsLiveAndIsAnsweredAndFinished()
    {
        await using var hook = await WebhookReceiver.StartAsync();
        using var owner = await app.ApiAsync(ConsoleApp.OwnerEmail);
        var channel = await ApiChannel.CreateAsync(owner, hook.Url);
        var page = await app.SignInAsync(ConsoleApp.ManagerEmail);
        var client = "Ivan " + Guid.NewGuid().ToString("N")[..6];

        // The client writes while the console is open: the chat shows up in New without a reload.
        var newCount = int.Parse(await page.GetByTestId("count-new").InnerTextAsync());
        await channel.ClientSaysAsync(owner, client, "Добрий день, де моє замовлення?", client);
        var chat = page.GetByTestId("chat").Filter(new() { HasText = client });
        await Expect(chat).ToBeVisibleAsync();
        await Expect(chat.Locator(".unread-count")).ToHaveTextAsync("1");
        await Expect(page.GetByTestId("count-new")).ToHaveTextAsync((newCount + 1).ToString());

        // Reply accepts it: the conversation becomes Active and the client is told the manager joined.
        await chat.ClickAsync();
        await page.GetByTestId("reply").ClickAsync();
        await Expect(page.GetByTestId("conversation")).ToHaveAttributeAsync("data-folder", "Active");
        var joined = await hook.UntilAsync(r => r.Body.GetProperty("systemKind").GetString() == "managerJoined");
        Assert.Contains("Maria Manager", joined[^1].Body.GetProperty("text").GetString());

        // Enter sends; Shift+Enter would have made a new line instead.
        var composer = page.GetByTestId("composer");
        await composer.FillAsync("Добрий день!");
        await composer.PressAsync("Shift+Enter");
        await composer.PressSequentiallyAsync("Зараз перевірю.");
        await composer.PressAsync("Enter");
        var sent = await hook.UntilAsync(r => r.Body.GetProperty("authorKind").GetString() == "manager");
        Assert.Equal("Добрий день!\nЗараз перевірю.", sent[^1].Body.GetProperty("text").GetString());
        await Expect(page.GetByTestId("message-text").Last).ToHaveTextAsync("Добрий день!\nЗараз перевірю.");
        await Expect(composer).ToHaveValueAsync("");

        await page.GetByTestId("finish").ClickAsync();
        await Expect(page.GetByTestId("conversation")).ToHaveAttributeAsync("data-folder", "Archived");
        await Expect(page.GetByTestId("folder-archived")).ToHaveAttributeAsync("aria-selected", "true");
    }
}

public sealed class LiveChatTests_Sqlite(SqliteConsoleApp app) : LiveChatTests<SqliteConsoleApp>(app);

public sealed class LiveChatTests_Postgres(PostgresConsoleApp app) : LiveChatTests<PostgresConsoleApp>(app);
