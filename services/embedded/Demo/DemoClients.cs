using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Sync.Embedded.Configuration;

namespace Sync.Embedded.Demo;

/// <summary>
/// The demo's HTTP clients, one per service on its embedded port, each sending the API key (the CRM's also signs in as a
/// sales user), and the calls the demo makes through them: any answer that is not a success stops the demo.
/// </summary>
internal sealed class DemoClients : IDisposable
{
    private const string SalesUserToken = "sales-user-token";

    public DemoClients(EmbeddedPorts ports, string apiKey)
    {
        HttpClient Client(int port)
        {
            // Redirects are not followed: a tracked link's 302 is the answer the demo checks.
            var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false })
            {
                BaseAddress = new Uri(string.Create(CultureInfo.InvariantCulture, $"http://localhost:{port}/")),
            };
            client.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
            return client;
        }

        Tracker = Client(ports.ActivityTracker);
        Editor = Client(ports.ProspectEditor);
        Evaluator = Client(ports.SyncEvaluator);
        Listener = Client(ports.CrmChangeListener);
        Crm = Client(ports.CrmSimulator);
        Crm.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", SalesUserToken);
    }

    public HttpClient Tracker { get; }

    public HttpClient Editor { get; }

    public HttpClient Evaluator { get; }

    public HttpClient Listener { get; }

    public HttpClient Crm { get; }

    public static async Task<JsonElement> Post(HttpClient client, string path, object body, CancellationToken cancellationToken)
    {
        using var response = await client.PostAsJsonAsync(path, body, cancellationToken);
        return await Read(response, cancellationToken);
    }

    public static async Task PostCsv(HttpClient client, string path, string csv, CancellationToken cancellationToken)
    {
        using var response = await client.PostAsync(path, new StringContent(csv, Encoding.UTF8, "text/csv"), cancellationToken);
        await Read(response, cancellationToken);
    }

    public static async Task Put(HttpClient client, string path, object body, CancellationToken cancellationToken)
    {
        using var response = await client.PutAsJsonAsync(path, body, cancellationToken);
        await Read(response, cancellationToken);
    }

    public static async Task Patch(HttpClient client, string path, object body, CancellationToken cancellationToken)
    {
        using var response = await client.PatchAsJsonAsync(path, body, cancellationToken);
        await Read(response, cancellationToken);
    }

    public static async Task<JsonElement> Read(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} answered {(int)response.StatusCode}: {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    public void Dispose()
    {
        foreach (var client in new[] { Tracker, Editor, Evaluator, Listener, Crm })
            client.Dispose();
    }
}
