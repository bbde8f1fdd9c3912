using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Parley.Browser.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Parley.Browser.Tests.Console;

/// <summary>
/// What the console does for a member who is not staring at it: a sound and a system notification for a new chat or
/// message (both muted by one switch that survives a reload), the unread count in the tab title, and a banner while the
/// connection is lost that goes away by itself when it is back.
/// </summary>
public abstract partial class LiveFeaturesTests<TApp>(TApp app) : BrowserTest<TApp>(app)
    where TApp : ConsoleApp
{
    /// <summary>Records what the page asks of the browser: every system notification, and the state of the audio at each beep.</summary>
    private const string Observer = """
        (() => {
          const seen = window.__parley = { notifications: [], beeps: [] };
          const Real = window.Notification;
          window.Notification = class extends Real {
            constructor(title, options) {
              super(title, options);
              seen.notifications.push({ title, body: (options && options.body) || '', lang: (options && options.lang) || '' });
            }
            static get permission() { return Real.permission; }
            static requestPermission(...args) { return Real.requestPermission(...args); }
          };
          const start = OscillatorNode.prototype.start;
          OscillatorNode.prototype.start = function (...args) {
            seen.beeps.push(this.context.state);
            return start.apply(this, args);
          };
        })();
        """;

    [Fact]
    public async Task NewChat_ConsoleInBackground_BeepsAndNotifiesInTheConsoleLanguage()
    {
        await using var hook = await WebhookReceiver.StartAsync();
        using var owner = await App.ApiAsync(ConsoleApp.OwnerEmail);
        var channel = await ApiChannel.CreateAsync(owner, hook.Url);
        var page = await ObservedConsoleAsync();
        var client = "Petro " + Guid.NewGuid().ToString("N")[..6];

        await InBackgroundAsync(page);
        await channel.ClientSaysAsync(owner, client, "Де моя посилка?", client);

        await page.WaitForFunctionAsync("() => window.__parley.notifications.length > 0");
        var notification = await page.EvaluateAsync<JsonElement>("() => window.__parley.notifications[0]");
        Assert.Equal("Новий чат", notification.GetProperty("title").GetString());
        Assert.Equal($"{client}: Де моя посилка?", notification.GetProperty("body").GetString());
        Assert.Equal("uk", notification.GetProperty("lang").GetString());
        Assert.Contains("running", await BeepsAsync(page));
    }

    [Fact]
    public async Task Mute_SurvivesReload_NoSoundOrNotificationUntilUnmuted()
    {
        await using var hook = await WebhookReceiver.StartAsync();
        using var owner = await App.ApiAsync(ConsoleApp.OwnerEmail);
        var channel = await ApiChannel.CreateAsync(owner, hook.Url);
        var page = await ObservedConsoleAsync();
        var mute = page.GetByTestId("mute");

        await mute.ClickAsync();
        await Expect(mute).ToHaveAttributeAsync("aria-pressed", "true");
        await page.ReloadAsync();
        await page.WaitForSelectorAsync("[data-testid=count-new]");
        await Expect(mute).ToHaveAttributeAsync("aria-pressed", "true");
        await Expect(mute).ToHaveAttributeAsync("aria-label", "Увімкнути звук і сповіщення");

        // Muted: the chat arrives in the list, silently.
        await page.GetByTestId("folder-new").ClickAsync();
        await InBackgroundAsync(page);
        var quiet = "Quiet " + Guid.NewGuid().ToString("N")[..6];
        await channel.ClientSaysAsync(owner, quiet, "Тихо", quiet);
        await Expect(page.GetByTestId("chat").Filter(new() { HasText = quiet })).ToBeVisibleAsync();
        await page.WaitForTimeoutAsync(1000);
        Assert.Empty(await BeepsAsync(page));
        Assert.Equal(0, await page.EvaluateAsync<int>("() => window.__parley.notifications.length"));

        // Unmuted: the next chat is heard again.
        await page.BringToFrontAsync();
        await mute.ClickAsync();
        await Expect(mute).ToHaveAttributeAsync("aria-pressed", "false");
        await InBackgroundAsync(page);
        var loud = "Loud " + Guid.NewGuid().ToString("N")[..6];
        await channel.ClientSaysAsync(owner, loud, "Гучно", loud);
        await page.WaitForFunctionAsync("() => window.__parley.notifications.length > 0");
        Assert.Contains("running", await BeepsAsync(page));
    }

    [Fact]
    public async Task TabTitle_ChatsArrive_ShowsTheUnreadCountLive()
    {
        await using var hook = await WebhookReceiver.StartAsync();
        using var owner = await App.ApiAsync(ConsoleApp.OwnerEmail);
        var channel = await ApiChannel.CreateAsync(owner, hook.Url);
        var page = await App.SignInAsync(ConsoleApp.SupervisorEmail);
        var before = UnreadIn(await page.TitleAsync());

        var first = "Anna " + Guid.NewGuid().ToString("N")[..6];
        await channel.ClientSaysAsync(owner, first, "Добрий день", first);
        await Expect(page).ToHaveTitleAsync($"({before + 1}) Parley");

        var second = "Boris " + Guid.NewGuid().ToString("N")[..6];
        await channel.ClientSaysAsync(owner, second, "Вітаю", second);
        await Expect(page).ToHaveTitleAsync($"({before + 2}) Parley");

        // Opening a chat reads it: the count goes down.
        await page.GetByTestId("chat").Filter(new() { HasText = second }).ClickAsync();
        await Expect(page).ToHaveTitleAsync($"({before + 1}) Parley");
    }

    [Fact]
    public async Task ConnectionLost_BannerInTheConsoleLanguage_GoesAwayWhenBackWithoutReload()
    {
        await using var hook = await WebhookReceiver.StartAsync();
        using var owner = await App.ApiAsync(ConsoleApp.OwnerEmail);
        var channel = await ApiChannel.CreateAsync(owner, hook.Url);
        var context = await App.NewContextAsync();
        var network = new Network();
        await network.InterposeAsync(context);
        var page = await App.SignInAsync(context, ConsoleApp.ManagerEmail);
        await page.EvaluateAsync("() => { window.__sameDocument = true; }");
        var banner = page.GetByTestId("reconnect-banner");
        await Expect(banner).ToBeHiddenAsync();
        // The console sets the banner's texts in its language after its first render; cut before that and the banner shows
        // its page-load text, both languages (a run failed so).
        await Expect(banner.Locator(".reconnect-lost")).ToHaveTextAsync("Зʼєднання втрачено — відновлюємо…");

        await network.CutAsync();
        await Expect(banner.Locator(".reconnect-lost")).ToBeVisibleAsync();
        await Expect(banner.Locator(".reconnect-lost")).ToHaveTextAsync("Зʼєднання втрачено — відновлюємо…");

        network.Restore();
        await Expect(banner).ToBeHiddenAsync(new() { Timeout = 30_000 });
        Assert.True(await page.EvaluateAsync<bool>("() => window.__sameDocument === true"), "The page was reloaded.");

        // The same live console again: a new chat shows up without a reload.
        var client = "Roman " + Guid.NewGuid().ToString("N")[..6];
        await channel.ClientSaysAsync(owner, client, "Ви тут?", client);
        await Expect(page.GetByTestId("chat").Filter(new() { HasText = client })).ToBeVisibleAsync();
    }

    /// <summary>A console that may notify (the member allowed it) and whose notifications and sounds the test can see.</summary>
    private async Task<IPage> ObservedConsoleAsync()
    {
        var context = await App.NewContextAsync();
        await context.GrantPermissionsAsync(["notifications"], new() { Origin = App.BaseAddress.GetLeftPart(UriPartial.Authority) });
        await context.AddInitScriptAsync(Observer);
        var page = await App.SignInAsync(context, ConsoleApp.ManagerEmail);
        // Browsers let a page make sound only after the person has used it.
        await page.GetByTestId("folder-new").ClickAsync();
        return page;
    }

    /// <summary>The member looks at another tab: the console is in the background.</summary>
    private static async Task InBackgroundAsync(IPage console)
    {
        // Playwright makes every page believe it has the focus; without that, the tab in front has it, as in a browser.
        var cdp = await console.Context.NewCDPSessionAsync(console);
        await cdp.SendAsync("Emulation.setFocusEmulationEnabled", new() { ["enabled"] = false });
        var other = await console.Context.NewPageAsync();
        await other.BringToFrontAsync();
        await console.WaitForFunctionAsync("() => document.hidden || !document.hasFocus()");
    }

    private static async Task<string[]> BeepsAsync(IPage page) => await page.EvaluateAsync<string[]>("() => window.__parley.beeps");

    private static int UnreadIn(string title) => UnreadCount().Match(title) is { Success: true } m ? int.Parse(m.Groups[1].Value) : 0;

    [GeneratedRegex(@"^\((\d+)\) ")]
    private static partial Regex UnreadCount();

    /// <summary>The console's connection to the server (Blazor's circuit), which the test can cut and give back.</summary>
    private sealed class Network
    {
        private readonly List<IWebSocketRoute> _open = [];
        private volatile bool _cut;

        public async Task InterposeAsync(IBrowserContext context)
        {
            await context.RouteWebSocketAsync(new Regex("/_blazor"), page =>
            {
                if (_cut)
                {
                    _ = page.CloseAsync(new() { Code = 4000, Reason = "offline" });
                    return;
                }

                page.ConnectToServer();
                lock (_open) _open.Add(page);
            });
            // While cut, the reconnect attempts fail at their first request too, as they would offline.
            await context.RouteAsync(new Regex("/_blazor/"), route => _cut ? route.AbortAsync("internetdisconnected") : route.ContinueAsync());
        }

        public async Task CutAsync()
        {
            _cut = true;
            IWebSocketRoute[] open;
            lock (_open)
            {
                open = [.. _open];
                _open.Clear();
            }

            foreach (var socket in open) await socket.CloseAsync(new() { Code = 4000, Reason = "offline" });
        }

        public void Restore() => _cut = false;
    }
}

public sealed class LiveFeaturesTests_Sqlite(SqliteConsoleApp app) : LiveFeaturesTests<SqliteConsoleApp>(app);

public sealed class LiveFeaturesTests_Postgres(PostgresConsoleApp app) : LiveFeaturesTests<PostgresConsoleApp>(app);
