using MobileX.Api.Auth;
using MobileX.Api.Avatars;
using MobileX.Api.Coverage;
using MobileX.Api.Extensions;
using MobileX.Api.Http;
using MobileX.Api.Lake;
using MobileX.Api.Stations;
using Scalar.AspNetCore;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

app.UseTrustedProxies();
app.UseInstanceHeader();
app.UseExceptionHandler();
app.UseStatusCodePages();
// The page's shell (html, js, css) is open, so it can show its sign-in form; every data endpoint needs a credential.
app.UseDefaultFiles();
app.UseStaticFiles();
app.UseAuthentication();
app.UseAuthorization();

// The API's description holds no data, so it stays open (docs/serving.md#authentication).
app.MapOpenApi().AllowAnonymous();
app.MapScalarApiReference("/api/reference").AllowAnonymous();
app.MapDefaultEndpoints();
app.MapSessionApi();
app.MapStationsApi();
app.MapAvatarsApi();
app.MapLakeApi();
app.MapCoverageApi();

app.Run();
