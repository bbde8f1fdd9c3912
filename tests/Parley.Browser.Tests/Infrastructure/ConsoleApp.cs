using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Npgsql;

namespace Parley.Browser.Tests.Infrastructure;

public enum Provider
{
    Sqlite,
    Postgres,
}

/// <summary>
/// The real server on a real loopback port (a browser cannot reach an in-memory test server), a fresh database of one
/// provider with the demo company, and Debian's Chromium driven by Playwright.
/// </summary>
public abstract class ConsoleApp : WebApplicationFactory<Program>, IAsyncLifetime
{
    public const string Password = "Test-Password-1";
    public const string OwnerEmail = "owner@demo.local";
    public const string SupervisorEmail = "supervisor@demo.local";
    public const string ManagerEmail = "manager@demo.local";
    public const string ChromiumPath = "/usr/bin/chromium";

    private readonly string _database = "parley_browser_" + Guid.NewGuid().ToString("N")[..12];
    private readonly string _keys = Path.Combine(Path.GetTempPath(), "parley-browser-keys-" + Guid.NewGuid().ToString("N")[..8]);
    private string? _sqlitePath;
    private readonly List<IBrowserContext> _contexts = [];
    private IPlaywright? _playwright;

    protected abstract Provider Provider { get; }

    public string ConnectionString { get; private set; } = "";

    public Uri BaseAddress { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (Provider == Provider.Postgres)
        {
            var admin = Environment.GetEnvironmentVariable("PARLEY_TEST_POSTGRES")
                ?? throw new InvalidOperationException("PARLEY_TEST_POSTGRES is not set: run the suite with scripts/test, which starts PostgreSQL for it.");
            await using var connection = new NpgsqlConnection(admin);
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {_database}", connection);
            await create.ExecuteNonQueryAsync();
            ConnectionString = new NpgsqlConnectionStringBuilder(admin) { Database = _database }.ConnectionString;
        }
        else
        {
            _sqlitePath = Path.Combine(Path.GetTempPath(), _database + ".db");
            ConnectionString = $"Data Source={_sqlitePath}";
        }

        UseKestrel(0);
        StartServer();
        var address = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseAddress = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal));

        if (!File.Exists(ChromiumPath)) throw new InvalidOperationException($"{ChromiumPath} is missing: scripts/test installs Debian's chromium with apt.");
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        if (_playwright is not null)
        {
            await Browser.CloseAsync();
            _playwright.Dispose();
        }

        await DisposeAsync();
        if (Provider == Provider.Postgres)
        {
            NpgsqlConnection.ClearAllPools();
            await using var connection = new NpgsqlConnection(Environment.GetEnvironmentVariable("PARLEY_TEST_POSTGRES"));
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_database} WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync();
        }
        else if (_sqlitePath is not null)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (var file in new[] { _sqlitePath, Parley.Data.Conversations.MessageSearchFile.PathFor($"Data Source={_sqlitePath}")! })
                foreach (var suffix in new[] { "", "-wal", "-shm" }) File.Delete(file + suffix);
        }

        if (Directory.Exists(_keys)) Directory.Delete(_keys, recursive: true);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        // Outside Development the framework's own assets (blazor.web.js) are found only through this manifest.
        builder.UseStaticWebAssets();
        builder.UseSetting("Database:Provider", Provider.ToString());
        builder.UseSetting("ConnectionStrings:Parley", ConnectionString);
        builder.UseSetting("Parley:Demo:Seed", "true");
        builder.UseSetting("Parley:Demo:Password", Password);
        builder.UseSetting("Parley:KeysPath", _keys);
        builder.UseSetting("DetailedErrors", "true");
    }

    /// <summary>A fresh browser (own cookies) signed in to the console as the member, on the LiveChat screen.</summary>
    public async Task<IPage> SignInAsync(string email, string? lang = null) => await SignInAsync(await NewContextAsync(), email, lang);

    /// <summary>Signs in within a browser the test has prepared (permissions, init scripts, routes).</summary>
    public async Task<IPage> SignInAsync(IBrowserContext context, string email, string? lang = null)
    {
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(15_000);
        var log = new List<string>();
        page.Console += (_, m) => log.Add($"{m.Type}: {m.Text}");
        page.PageError += (_, e) => log.Add("page error: " + e);
        await page.GotoAsync("/login" + (lang is null ? "" : "?lang=" + lang));
        await page.FillAsync("#email", email);
        await page.FillAsync("#password", Password);
        await page.ClickAsync("button[type=submit]");
        try
        {
            // The LiveChat screen has loaded its lists: the folders show their counts.
            await page.WaitForSelectorAsync("[data-testid=count-new]");
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"The console did not open at {page.Url}. Browser log:\n{string.Join("\n", log)}\nPage:\n{await page.InnerTextAsync("body")}", ex);
        }

        return page;
    }

    public async Task<IBrowserContext> NewContextAsync()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = 1440, Height = 900 },
            Locale = "en-US",
        });
        lock (_contexts) _contexts.Add(context);
        return context;
    }

    /// <summary>Closes the test's browsers, so their consoles stop listening before the next test starts.</summary>
    public async Task CloseBrowsersAsync()
    {
        IBrowserContext[] open;
        lock (_contexts)
        {
            open = [.. _contexts];
            _contexts.Clear();
        }

        foreach (var context in open) await context.CloseAsync();
    }

    /// <summary>An API client with a personal token, as an integration would use.</summary>
    public async Task<HttpClient> ApiAsync(string email)
    {
        var http = new HttpClient { BaseAddress = BaseAddress };
        var response = await http.PostAsJsonAsync("/api/v1/auth/tokens", new { email, password = Password, name = "browser tests" });
        response.EnsureSuccessStatusCode();
        var token = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    public static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Parley.slnx"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Parley.slnx not found above the test folder.");
    }
}

public sealed class SqliteConsoleApp : ConsoleApp
{
    protected override Provider Provider => Provider.Sqlite;
}

public sealed class PostgresConsoleApp : ConsoleApp
{
    protected override Provider Provider => Provider.Postgres;
}
