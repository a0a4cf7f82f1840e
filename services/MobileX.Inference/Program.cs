using MobileX.Inference.Extensions;
using MobileX.Inference.Img2Img;
using MobileX.Inference.Telemetry;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddInference();

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();

app.MapDefaultEndpoints();
app.MapImg2ImgApi();
app.LogBackendOnStart();

app.Run();

/// <summary>Entry point, public so tests can host the adapter with WebApplicationFactory.</summary>
public partial class Program;
