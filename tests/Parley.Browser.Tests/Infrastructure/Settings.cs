using System.Net.Http.Json;

namespace Parley.Browser.Tests.Infrastructure;

public static class Settings
{
    /// <summary>Changes Settings → Company through the API, as the owner would from another tab.</summary>
    public static async Task PatchAsync(HttpClient owner, object patch)
    {
        var response = await owner.PatchAsJsonAsync("/api/v1/settings/company", patch);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }
}
