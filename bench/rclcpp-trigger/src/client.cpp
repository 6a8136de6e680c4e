// trigger_client WARMUP CALLS: prints {"p50":..,"p90":..,"p99":..} in microseconds.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>
#include <rclcpp/rclcpp.hpp>
#include <std_srvs/srv/trigger.hpp>
int main(int argc, char ** argv) {
  rclcpp::init(argc, argv);
  int warm = argc > 1 ? std::atoi(argv[1]) : 200, calls = argc > 2 ? std::atoi(argv[2]) : 2000;
  auto node = rclcpp::Node::make_shared("trigger_client");
  auto client = node->create_client<std_srvs::srv::Trigger>("trigger");
  client->wait_for_service();
  // One executor for every call, as a long-lived client spins: rclcpp::spin_until_future_complete(node, f)
  // builds a SingleThreadedExecutor per call (rclcpp/executors.hpp), ~15 µs a call on one core here.
  rclcpp::executors::SingleThreadedExecutor exec;
  exec.add_node(node);
  std::vector<double> us;
  auto req = std::make_shared<std_srvs::srv::Trigger::Request>();
  for (int i = 0; i < warm + calls; i++) {
    auto t0 = std::chrono::steady_clock::now();
    auto f = client->async_send_request(req);
    exec.spin_until_future_complete(f);
    auto t1 = std::chrono::steady_clock::now();
    if (i >= warm) us.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
  }
  std::sort(us.begin(), us.end());
  auto at = [&](double q) { return us[std::min(us.size() - 1, (size_t)(q * us.size()))]; };
  std::printf("{\"p50\":%.1f,\"p90\":%.1f,\"p99\":%.1f}\n", at(0.5), at(0.9), at(0.99));
  rclcpp::shutdown();
}
