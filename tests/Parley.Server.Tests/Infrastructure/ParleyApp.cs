using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Parley.Data;
using Parley.Domain.Companies;
using Parley.Domain.Team;
using Parley.Server.Team;

namespace Parley.Server.Tests.Infrastructure;

public enum Provider
{
    Sqlite,
    Postgres,
}

/// <summary>
/// The real server (every middleware, endpoint, hub and background service) on a fresh database of one provider,
/// with the demo company seeded and time under the test's control.
/// </summary>
public abstract class ParleyApp : WebApplicationFactory<Program>, IAsyncLifetime
{
    public const string Password = "Test-Password-1";
    public const string OwnerEmail = "owner@demo.local";
    public const string SupervisorEmail = "supervisor@demo.local";
    public const string ManagerEmail = "manager@demo.local";

    private readonly string _database = "parley_test_" + Guid.NewGuid().ToString("N")[..12];
    private string? _sqlitePath;

    protected abstract Provider Provider { get; }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 26, 10, 0, 0, TimeSpan.Zero));

    public string ConnectionString { get; private set; } = "";

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

        _ = Server; // start the host now: migrations and demo seeding run here
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
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
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("Database:Provider", Provider.ToString());
        builder.UseSetting("ConnectionStrings:Parley", ConnectionString);
        builder.UseSetting("Parley:Demo:Seed", "true");
        builder.UseSetting("Parley:Demo:Password", Password);
        // A common text's matches are listed for a window of the newest conversations (SearchOptions): a small one here,
        // so that a test's pages reach past it, but with more matches than the archive's capped count needs.
        builder.UseSetting("Parley:Search:ListedBeforeOpen", "1500");
        builder.ConfigureServices(services =>
        {
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(Time);
        });
    }

    /// <summary>An HTTP client signed in with a personal API token of the given member.</summary>
    /// <summary>A second company with its own owner, created the way an installation would: entities plus a sign-in account.</summary>
    public async Task<HttpClient> RivalOwnerAsync()
    {
        var email = $"owner-{Guid.NewGuid():N}@rival.test";
        using (var scope = Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ParleyDbContext>();
            var now = Time.GetUtcNow().UtcDateTime;
            var company = new Company { Name = "Rival Ltd", CreatedAt = now };
            var member = new TeamMember { CompanyId = company.Id, Email = email, Name = "Rita Rival", Role = Role.Owner, CreatedAt = now };
            db.Companies.Add(company);
            db.TeamMembers.Add(member);
            await db.SaveChangesAsync();
            var result = await scope.ServiceProvider.GetRequiredService<SignIn>().CreateAccountAsync(member, Password);
            Assert.True(result.Succeeded, string.Join("; ", result.Errors.Select(e => e.Description)));
        }

        return await SignInAsync(email);
    }

    /// <summary>A new member of the company, with a sign-in account, signed in.</summary>
    public async Task<HttpClient> NewMemberAsync(Guid companyId, Role role, string name)
    {
        var email = $"{role.ToString().ToLowerInvariant()}-{Guid.NewGuid():N}@parley.test";
        using (var scope = Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ParleyDbContext>();
            var member = new TeamMember { CompanyId = companyId, Email = email, Name = name, Role = role, CreatedAt = Time.GetUtcNow().UtcDateTime };
            db.TeamMembers.Add(member);
            await db.SaveChangesAsync();
            var result = await scope.ServiceProvider.GetRequiredService<SignIn>().CreateAccountAsync(member, Password);
            Assert.True(result.Succeeded, string.Join("; ", result.Errors.Select(e => e.Description)));
        }

        return await SignInAsync(email);
    }

    public async Task<HttpClient> SignInAsync(string email, string password = Password)
    {
        var token = await TokenAsync(email, password);
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public async Task<string> TokenAsync(string email, string password = Password)
    {
        using var anonymous = CreateClient();
        var response = await anonymous.PostAsJsonAsync("/api/v1/auth/tokens", new { email, password, name = "tests" });
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
        return body.GetProperty("token").GetString()!;
    }

    /// <summary>A team hub connection over the test server, authenticated with the member's token.</summary>
    /// <summary>
    /// Connects to the team hub as the member. Handlers go on in <paramref name="beforeStart"/>: the server may push
    /// (e.g. chats assigned on reconnect) as soon as the connection is up, before a caller could add them afterwards.
    /// </summary>
    public async Task<HubConnection> ConnectTeamHubAsync(string email, Action<HubConnection>? beforeStart = null)
    {
        var token = await TokenAsync(email);
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(Server.BaseAddress, "/hubs/team"), o =>
            {
                o.HttpMessageHandlerFactory = _ => Server.CreateHandler();
                o.Transports = Microsoft.AspNetCore.Http.Connections.HttpTransportType.LongPolling;
                o.AccessTokenProvider = () => Task.FromResult<string?>(token);
            })
            .AddJsonProtocol(o => o.PayloadSerializerOptions.Converters.Add(
                new System.Text.Json.Serialization.JsonStringEnumConverter(System.Text.Json.JsonNamingPolicy.CamelCase)))
            .Build();
        beforeStart?.Invoke(connection);
        await connection.StartAsync();
        return connection;
    }

    public T Service<T>()
        where T : notnull => Services.GetRequiredService<T>();
}

public sealed class SqliteApp : ParleyApp
{
    protected override Provider Provider => Provider.Sqlite;
}

public sealed class PostgresApp : ParleyApp
{
    protected override Provider Provider => Provider.Postgres;
}
